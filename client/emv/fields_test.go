package emv_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/walletsim/walletsim/client/emv"
)

// The field sets below are written out from EMV 3DS 2.2.0 by hand, apart
// from emv.Rules, so that this test checks the rules as much as the
// builders.
var (
	areqFields = words(`messageType messageVersion messageCategory deviceChannel
		threeDSServerTransID threeDSServerRefNumber threeDSServerURL
		threeDSRequestorID threeDSRequestorName threeDSRequestorURL threeDSRequestorAuthenticationInd
		threeDSRequestorChallengeInd threeDSRequestorDecReqInd threeDSCompInd
		acquirerBIN acquirerMerchantID mcc merchantCountryCode merchantName
		acctNumber cardExpiryDate cardholderName email mobilePhone
		billAddrCity billAddrCountry billAddrLine1 billAddrLine2 billAddrPostCode
		shipAddrCity shipAddrCountry shipAddrLine1 shipAddrLine2 shipAddrPostCode
		purchaseAmount purchaseCurrency purchaseExponent purchaseDate notificationURL
		browserAcceptHeader browserIP browserJavaEnabled browserJavascriptEnabled browserLanguage
		browserColorDepth browserScreenHeight browserScreenWidth browserTZ browserUserAgent`)
	dsAdds     = words(`dsTransID dsReferenceNumber dsURL`)
	aresFields = words(`messageType messageVersion threeDSServerTransID dsTransID acsTransID
		dsReferenceNumber acsReferenceNumber acsOperatorID transStatus`)
	creqFields = words(`messageType messageVersion threeDSServerTransID acsTransID challengeWindowSize`)
	cresFields = words(`messageType messageVersion threeDSServerTransID acsTransID challengeCompletionInd transStatus`)
	rreqFields = words(`messageType messageVersion messageCategory threeDSServerTransID dsTransID acsTransID
		transStatus authenticationType authenticationMethod interactionCounter`)
	rresFields = words(`messageType messageVersion threeDSServerTransID dsTransID acsTransID resultsStatus`)

	// byStatus are the fields that come with a transStatus, in ARes and RReq.
	byStatus = map[emv.TransStatus][]string{
		emv.Authenticated:      words("eci authenticationValue"),
		emv.Attempted:          words("eci authenticationValue"),
		emv.NotAuthenticated:   words("transStatusReason"),
		emv.Unavailable:        words("transStatusReason"),
		emv.Rejected:           words("transStatusReason"),
		emv.ChallengeRequired:  words("authenticationType acsChallengeMandated acsURL"),
		emv.DecoupledConfirmed: words("authenticationType acsChallengeMandated acsDecConInd"),
	}

	// wantECI is the ECI of Y and A per scheme.
	wantECI = map[emv.Scheme][2]string{
		emv.Visa: {"05", "06"}, emv.Mada: {"05", "06"}, emv.Amex: {"05", "06"}, emv.Mastercard: {"02", "01"},
	}
)

// TestFieldsPerOutcome: every message of every built exchange carries
// exactly the fields EMV requires for its outcome, no more, no less, and
// Check finds nothing wrong with it.
func TestFieldsPerOutcome(t *testing.T) {
	for _, s := range emv.Schemes {
		for _, c := range outcomeCases() {
			t.Run(string(s)+"/"+c.name, func(t *testing.T) {
				for i, step := range build(t, s, c) {
					want := expectedFields(c, step, i)
					if diff := cmp.Diff(want, keys(t, step.Message)); diff != "" {
						t.Errorf("step %d %s: fields differ (-want +got):\n%s", i+1, step.Message.Type(), diff)
					}
					if vs := emv.Check(step.Message); len(vs) > 0 {
						t.Errorf("step %d: %s", i+1, violations(vs))
					}
					checkECI(t, s, step.Message)
				}
			})
		}
	}
}

// expectedFields is the field set of the i-th step of case c.
func expectedFields(c outcomeCase, step emv.Step, i int) []string {
	var want []string
	switch m := step.Message.(type) {
	case emv.AReq:
		want = slices.Clone(areqFields)
		if c.channel == emv.ChannelDecoupled {
			want = append(want, "threeDSRequestorDecMaxTime")
		}
		if i == 1 {
			want = append(want, dsAdds...)
		}
	case emv.ARes:
		want = append(slices.Clone(aresFields), byStatus[m.TransStatus]...)
		if c.outcome.CardholderInfo != "" {
			want = append(want, "cardholderInfo")
		}
	case emv.CReq:
		want = creqFields
	case emv.CRes:
		want = cresFields
	case emv.RReq:
		want = append(slices.Clone(rreqFields), byStatus[m.TransStatus]...)
		if c.outcome.Result.Cancel != "" {
			want = append(want, "challengeCancel")
		}
	case emv.RRes:
		want = rresFields
	}
	slices.Sort(want)
	return want
}

// checkECI: an ECI is the scheme's value for the status.
func checkECI(t *testing.T, s emv.Scheme, m emv.Message) {
	t.Helper()
	var st emv.TransStatus
	var eci string
	switch m := m.(type) {
	case emv.ARes:
		st, eci = m.TransStatus, m.ECI
	case emv.RReq:
		st, eci = m.TransStatus, m.ECI
	default:
		return
	}
	want := ""
	switch st {
	case emv.Authenticated:
		want = wantECI[s][0]
	case emv.Attempted:
		want = wantECI[s][1]
	}
	if eci != want {
		t.Errorf("%s %s on %s: ECI %q, want %q", m.Type(), st, s, eci, want)
	}
}

// TestRulesMatchTypes: the rules list exactly the JSON fields of each Go
// message type, so neither can gain a field the other lacks.
func TestRulesMatchTypes(t *testing.T) {
	for _, m := range []emv.Message{emv.AReq{}, emv.ARes{}, emv.CReq{}, emv.CRes{}, emv.RReq{}, emv.RRes{}} {
		got := emv.Fields(m.Type())
		slices.Sort(got)
		if diff := cmp.Diff(jsonNames(m), got); diff != "" {
			t.Errorf("%s: rules and type differ (-type +rules):\n%s", m.Type(), diff)
		}
	}
}

func words(s string) []string { return strings.Fields(s) }

// keys are the JSON fields of m, sorted.
func keys(t *testing.T, m emv.Message) []string {
	t.Helper()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(obj))
}

// TestCheckEnforcesOutcomeFields: against the hand-written table above,
// Check reports an ARes or RReq that lacks a field its outcome requires or
// carries one that belongs to another outcome (so loosening a rule fails
// here even though the builders still get it right).
func TestCheckEnforcesOutcomeFields(t *testing.T) {
	sample := map[string]json.RawMessage{}
	var msgs []map[string]json.RawMessage
	for _, steps := range builds(t, emv.Visa) {
		for _, s := range steps {
			if s.Message.Type() != emv.TypeARes && s.Message.Type() != emv.TypeRReq {
				continue
			}
			data, _ := json.Marshal(s.Message)
			var obj map[string]json.RawMessage
			json.Unmarshal(data, &obj)
			msgs = append(msgs, obj)
			for k, v := range obj {
				sample[k] = v
			}
		}
	}
	var outcomeFields []string
	for _, fs := range byStatus {
		outcomeFields = append(outcomeFields, fs...)
	}
	slices.Sort(outcomeFields)
	outcomeFields = slices.Compact(outcomeFields)
	tested := map[string]bool{}
	for _, obj := range msgs {
		var st emv.TransStatus
		var typ string
		json.Unmarshal(obj["transStatus"], &st)
		json.Unmarshal(obj["messageType"], &typ)
		for _, f := range outcomeFields {
			mut := maps.Clone(obj)
			own := slices.Contains(byStatus[st], f)
			if own {
				delete(mut, f)
			} else {
				if typ == "RReq" && (f == "authenticationType" || f == "acsChallengeMandated" || f == "acsURL" || f == "acsDecConInd") {
					continue // RReq's own rules: authenticationType always, the others never
				}
				mut[f] = sample[f]
			}
			data, _ := json.Marshal(mut)
			if vs := emv.CheckJSON(data); !reports(vs, f, "") {
				t.Errorf("%s %s with %s %s: not reported", typ, st, f, map[bool]string{true: "removed", false: "added"}[own])
			}
			tested[typ+string(st)] = true
		}
	}
	for _, want := range []string{"AResY", "AResA", "AResN", "AResU", "AResR", "AResC", "AResD", "RReqY", "RReqN", "RReqU"} {
		if !tested[want] {
			t.Errorf("no %s message tested", want)
		}
	}
}
