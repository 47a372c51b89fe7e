package sandbox

import (
	"net/http"
	"strings"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// routes maps the seeds' paths and the sandbox's extensions. Every route
// but the test cards, the index and creating a workspace serves the
// workspace of the request's credentials (see spaceOf); the challenge page
// serves the workspace of its acsTransID.
func (s *Sandbox) routes() http.Handler {
	in := s.scoped
	mux := http.NewServeMux()
	// Seed 000: the issuer's 3DS enrollment.
	mux.HandleFunc("/issuing/api/{version}/card/3DS", in((*space).issuing))
	// Seed 004: the 3DS server; GET and POST /v1/3ds are extensions.
	mux.HandleFunc("/v1/3ds/{id}/authenticate", methods(map[string]http.HandlerFunc{http.MethodPost: in((*space).authenticate)}))
	mux.HandleFunc("/v1/3ds/{id}/messages", methods(map[string]http.HandlerFunc{http.MethodGet: in((*space).messages)}))
	mux.HandleFunc("/v1/3ds/{id}", methods(map[string]http.HandlerFunc{http.MethodGet: in((*space).getAuthentication)}))
	mux.HandleFunc("/v1/3ds", methods(map[string]http.HandlerFunc{http.MethodPost: in((*space).createPurchase)}))
	// The issuer's ACS challenge page (extension).
	mux.HandleFunc("/acs/challenge/{acsTransID}", methods(map[string]http.HandlerFunc{
		http.MethodGet: s.challengeSpace((*space).challengePage), http.MethodPost: s.challengeSpace((*space).challengeSubmit),
	}))
	// Seed 002: the wallet platform; the GETs are extensions.
	const auths = "/customers/{customerId}/prepaid/cards/{cardId}/3ds-authentications"
	mux.HandleFunc(auths+"/{auth3dsId}", methods(map[string]http.HandlerFunc{
		http.MethodPost: in((*space).verify), http.MethodGet: in((*space).getPending),
	}))
	mux.HandleFunc(auths, methods(map[string]http.HandlerFunc{http.MethodGet: in((*space).listPending)}))
	// The sandbox's own endpoints.
	get, put, post, del := s.only(http.MethodGet), s.only(http.MethodPut), s.only(http.MethodPost), s.only(http.MethodDelete)
	mux.HandleFunc("/sandbox/cards", get(s.cards))
	mux.HandleFunc("/sandbox/inbox/{cardholderId}", get(in((*space).inbox)))
	mux.HandleFunc("/sandbox/webhook", put(in((*space).putWebhook)))
	mux.HandleFunc("/sandbox/webhook/deliveries", get(in((*space).deliveriesHandler)))
	mux.HandleFunc("/sandbox/workspaces", post(s.createWorkspace))
	mux.HandleFunc("/sandbox/workspaces/{id}", del(in((*space).deleteWorkspace)))
	mux.HandleFunc("/sandbox/workspaces/{id}/reset", post(in((*space).resetWorkspace)))
	mux.HandleFunc("/sandbox/workspaces/{id}/clock", post(in((*space).advanceClock)))
	mux.HandleFunc("/", s.notFound)
	return s.logged(s.withLimits(s.withFaults(mux)))
}

// only is a method pattern ("POST /sandbox/workspaces") without one: it
// serves h for method (GET also for HEAD) and answers any other method as
// an unknown path, as the catch-all "/" would. The mux tries a method's
// own patterns before the others, and a failed try allocates on every
// request of that method (net/http's routingNode.matchPath), so the
// sandbox registers no method patterns.
func (s *Sandbox) only(method string) func(http.HandlerFunc) http.HandlerFunc {
	return func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Method == method || method == http.MethodGet && r.Method == http.MethodHead {
				h(w, r)
				return
			}
			s.notFound(w, r)
		}
	}
}

// notFound answers unknown paths in the shape of the API they look like.
func (s *Sandbox) notFound(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/" && r.Method == http.MethodGet {
		writeJSON(w, http.StatusOK, s.index())
		return
	}
	apiOf(r.URL.Path).writeError(w, http.StatusNotFound, "No such endpoint: "+r.Method+" "+r.URL.Path)
}

// Index lists what the sandbox serves (GET /).
type Index struct {
	Name      string            `json:"name"`
	Endpoints map[string]string `json:"endpoints"`
}

func (s *Sandbox) index() Index {
	return Index{Name: "walletsim sandbox", Endpoints: map[string]string{
		"issuing (seed 000)":          "POST|GET|PATCH|DELETE /issuing/api/v1/card/3DS",
		"3ds server (seed 004)":       "POST /v1/3ds/{id}/authenticate",
		"wallet platform (seed 002)":  "POST /customers/{customerId}/prepaid/cards/{cardId}/3ds-authentications/{auth3dsId}",
		"extension: create purchase":  "POST /v1/3ds",
		"extension: read result":      "GET /v1/3ds/{id}",
		"extension: EMV messages":     "GET /v1/3ds/{id}/messages",
		"extension: challenge page":   "GET|POST /acs/challenge/{acsTransID}",
		"extension: pending (wallet)": "GET /customers/{customerId}/prepaid/cards/{cardId}/3ds-authentications[/{auth3dsId}]",
		"extension: test cards":       "GET /sandbox/cards",
		"extension: inbox":            "GET /sandbox/inbox/{cardholderId}",
		"extension: webhook":          "PUT /sandbox/webhook, GET /sandbox/webhook/deliveries",
		"extension: workspaces":       "POST /sandbox/workspaces, DELETE /sandbox/workspaces/{id}, POST /sandbox/workspaces/{id}/reset|clock",
	}}
}

// CardView is a test card as GET /sandbox/cards lists it.
type CardView struct {
	PAN          string            `json:"number"`
	Scheme       testcards.Scheme  `json:"scheme"`
	Outcome      testcards.Outcome `json:"outcome"`
	Reason       emv.Reason        `json:"trans_status_reason,omitempty"`
	Description  string            `json:"description"`
	CardID       string            `json:"card_id"`
	CardholderID string            `json:"cardholder_id"`
	WalletID     string            `json:"wallet_id"`
	CustomerID   string            `json:"customer_id"`
}

func (s *Sandbox) cards(w http.ResponseWriter, r *http.Request) {
	out := make([]CardView, len(testcards.All))
	for i, c := range testcards.All {
		out[i] = CardView{c.PAN, c.Scheme, c.Outcome, c.Reason, c.Describe(), c.CardID, testcards.CardholderID, testcards.WalletID, testcards.CustomerID}
	}
	writeJSON(w, http.StatusOK, map[string]any{"cards": out})
}

// putWebhook serves PUT /sandbox/webhook {"url": "...", "hmac_key": "..."}:
// the workspace's webhook, with "previous_key_overlap": "10m" to rotate
// the key (see setWebhook), and "faults": "webhook=duplicate,…" to make
// every event of the workspace misbehave (a request's fault header still
// decides for its own event). A created workspace signs with its own
// webhook_hmac_key when hmac_key is left out. On the default workspace,
// when the sandbox requires a wallet token, so does this: whoever can
// repoint the webhooks can read every wallet request.
func (s *space) putWebhook(w http.ResponseWriter, r *http.Request) {
	if !s.readAuth(w, r) {
		return
	}
	body, err := readBody(r)
	if err != nil {
		apiSandbox.writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
		return
	}
	obj, ok := decodeObject(body)
	if !ok {
		apiSandbox.writeError(w, http.StatusBadRequest, "body must be a JSON object with url and hmac_key")
		return
	}
	var f fieldReader
	url, key := f.str(obj, "url", "url"), f.str(obj, "hmac_key", "hmac_key")
	if key == "" {
		key = s.creds.WebhookHMACKey
	}
	overlap, overlapErr := readOverlap(&f, obj)
	faults, faultsErr := readWebhookFaults(&f, obj)
	switch {
	case f.errs != nil:
		apiSandbox.writeError(w, http.StatusBadRequest, "url, hmac_key, previous_key_overlap and faults must be strings")
	case url != "" && !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://"):
		apiSandbox.writeError(w, http.StatusBadRequest, "url must be an http(s) URL")
	case len(url) > MaxWebhookURL:
		apiSandbox.writeError(w, http.StatusBadRequest, tooLarge("url", len(url), MaxWebhookURL))
	case len(key) > MaxHMACKey:
		apiSandbox.writeError(w, http.StatusBadRequest, tooLarge("hmac_key", len(key), MaxHMACKey))
	case overlapErr != "":
		apiSandbox.writeError(w, http.StatusBadRequest, overlapErr)
	case faultsErr != "":
		writeJSON(w, http.StatusBadRequest, sandboxError{Error: faultsErr, Field: "faults"})
	default:
		if err := s.setWebhook(url, []byte(key), overlap, faults); err != nil {
			s.storeFailed(w, r, err)
			return
		}
		answer := map[string]string{"url": client.RedactURL(url)}
		if faults != "" {
			answer["faults"] = faults
		}
		writeJSON(w, http.StatusOK, answer)
	}
}

func (s *space) deliveriesHandler(w http.ResponseWriter, r *http.Request) {
	if !s.readAuth(w, r) {
		return
	}
	log, err := s.deliveryLog()
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": log})
}

// readAuth guards the sandbox's own endpoints. A created workspace was
// found by one of its credentials, so the request has it. The default
// workspace is open, unless the sandbox requires a wallet token: then it
// is needed (whoever can read inboxes and repoint webhooks can approve
// purchases).
func (s *space) readAuth(w http.ResponseWriter, r *http.Request) bool {
	if s.id != store.DefaultWorkspace || s.cfg.Require.WalletToken == "" || s.walletAuth(r) {
		return true
	}
	apiSandbox.writeError(w, http.StatusUnauthorized, "the wallet platform's bearer token is required")
	return false
}
