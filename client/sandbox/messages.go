package sandbox

import (
	"net/http"
	"time"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/threeds"
)

// The EMV 3DS 2.2.0 messages behind an authentication are not kept: they
// are rebuilt on request by emv.Build, a pure function of what the
// authentication already stores (its request, ids, amount and how it
// ended). Keeping them would cost several KiB per authentication, times
// MaxFinished; rebuilding costs a few microseconds when someone asks.

// Messages is the response of GET /v1/3ds/{id}/messages (extension): the
// EMV messages of the authentication in order, each with who sent it to
// whom. It is empty until authentication starts.
type Messages struct {
	Messages []emv.Step `json:"messages"`
}

// messages serves GET /v1/3ds/{id}/messages, authenticated as the 3DS
// server's other endpoints.
func (s *space) messages(w http.ResponseWriter, r *http.Request) {
	if status, msg := s.threeDSAuth(r); status != 0 {
		apiThreeDS.writeError(w, status, msg)
		return
	}
	var steps []emv.Step
	var err error
	found := false
	if s.db != nil {
		var stErr error
		found, stErr = s.change(authKey{byID, r.PathValue("id")}, func(a *authn, now time.Time) {
			s.settle(a, now)
			steps, err = s.exchange(a)
		})
		if stErr != nil {
			s.storeFailed(w, r, stErr)
			return
		}
	} else {
		now := s.now()
		s.mu.Lock()
		a := s.auths[r.PathValue("id")]
		if found = a != nil; found {
			s.settle(a, now)
			steps, err = s.exchange(a)
		}
		s.mu.Unlock()
	}
	switch {
	case !found:
		apiThreeDS.writeError(w, http.StatusNotFound, "Authentication not found")
	case err != nil:
		// The sandbox's own records cannot make valid messages (a
		// NewID that makes no UUIDs, say): its fault, and said so.
		apiThreeDS.writeError(w, http.StatusInternalServerError, "The sandbox could not build the EMV messages: "+err.Error())
	default:
		if steps == nil {
			steps = []emv.Step{}
		}
		writeJSON(w, http.StatusOK, Messages{Messages: steps})
	}
}

// exchange is the EMV exchange of an authentication so far: nothing before
// authenticate, AReq and ARes once the ACS has answered, and the rest of a
// challenge or decoupled authentication once it has ended. The caller
// holds s.mu.
func (s *space) exchange(a *authn) ([]emv.Step, error) {
	if !a.started {
		return nil, nil
	}
	return emv.Build(s.emvAuthentication(a), a.emvOutcome())
}

// emvAuthentication is the authentication as the 3DS Server knows it.
// The caller holds s.mu.
func (s *space) emvAuthentication(a *authn) emv.Authentication {
	req := a.request()
	out := emv.Authentication{
		IDs:  emv.IDs{ThreeDSServer: a.serverTransID, DS: a.dsTransID, ACS: a.acsTransID},
		Time: a.created, Scheme: emv.Scheme(a.scheme),
		Card:   emv.Card{Number: req.Number, Month: req.Month, Year: req.Year, Name: req.Name},
		Amount: a.amount, Currency: a.currency,
		Channel: emv.Channel(req.Channel), ChallengePreference: string(req.ChallengePreference),
		DecMaxTime: s.decMaxTime(), ReturnURL: req.ReturnURL,
		Parties: s.parties(),
	}
	if c := req.Customer; c != nil {
		out.Customer = &emv.Customer{Name: c.Name, Email: c.Email, Mobile: c.Mobile}
	}
	out.Billing, out.Shipping = emvAddress(req.BillingAddress), emvAddress(req.ShippingAddress)
	if a.challenge != nil {
		out.Window = a.challenge.window // empty (full screen) unless a CReq said
	}
	if d := req.CustomerDevice; d != nil {
		out.Device = &emv.Device{
			IPAddress: d.IPAddress, UserAgent: d.UserAgent, AcceptHeader: d.AcceptHeader,
			JavascriptEnabled: d.JavascriptEnabled, Language: d.Language, ColorDepth: d.ColorDepth,
			ScreenHeight: d.ScreenHeight, ScreenWidth: d.ScreenWidth, Timezone: d.Timezone,
		}
	}
	return out
}

// parties are the sandbox's identities, with the merchant's name it shows
// on challenge pages (EMV's merchantName is at most 40 characters).
func (s *space) parties() emv.Parties {
	p := emv.SandboxParties
	if n := []rune(s.cfg.MerchantName); len(n) <= 40 {
		p.MerchantName = s.cfg.MerchantName
	}
	return p
}

func emvAddress(a *threeds.Address) *emv.Address {
	if a == nil {
		return nil
	}
	return &emv.Address{City: a.City, Country: a.Country, Line1: a.Line1, Line2: a.Line2, PostalCode: a.PostalCode, State: a.State}
}

// emvOutcome is the ACS's answer and, once a challenge or decoupled
// authentication has ended, how. The caller holds s.mu.
func (a *authn) emvOutcome() emv.Outcome {
	o := emv.Outcome{Status: emv.TransStatus(a.aresStatus), Mandated: a.mandated, ACSURL: a.acsURL}
	if a.answeredAtOnce() {
		o.Mandated = false
		if o.Status == emv.Authenticated || o.Status == emv.Attempted {
			o.CAVV = a.cavv
		} else {
			o.Reason = emv.Reason(a.reason.String())
		}
		return o
	}
	if !a.final {
		return o
	}
	res := &emv.Result{
		Status: emv.TransStatus(a.transStatus), Reason: emv.Reason(a.reason.String()),
		Interactions: int(a.interactions), Cancel: emv.ChallengeCancel(a.cancel.String()),
	}
	if res.Status == emv.Authenticated || res.Status == emv.Attempted {
		res.CAVV, res.Reason = a.cavv, ""
	}
	switch {
	case a.challenge != nil && a.challenge.method == issuing.SMS:
		res.Method = emv.MethodSMSOTP
	case a.challenge != nil:
		res.Method = emv.MethodOTPOther // a code by email
	case a.dec != nil:
		res.Method = emv.MethodOOBBiometrics // the wallet's biometric approval
	}
	o.Result = res
	return o
}
