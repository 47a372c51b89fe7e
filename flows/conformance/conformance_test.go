package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/walletsim/walletsim/client/strictfake"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/conformance"
	"github.com/walletsim/walletsim/flows/embedded"
)

// The rules that are skipped on any target: what the seeds do not let a
// check provoke safely.
var alwaysSkipped = []string{"004-authenticate-403", "002-verify-201", "002-verify-5xx"}

func outcome(rep *conformance.Report, s conformance.Status) []string {
	var ids []string
	for _, r := range rep.Results {
		if r.Status == s {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// TestTheEmbeddedSandboxConforms: every rule passes on the sandbox, but
// those no target can be checked for.
func TestTheEmbeddedSandboxConforms(t *testing.T) {
	s, err := embedded.Open(context.Background(), flows.SandboxTarget(), flows.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep := conformance.Run(context.Background(), s.Target, conformance.Options{CardID: "check-" + uuid.NewString(), Transport: s.Transport()})
	if f := rep.Failures(); len(f) > 0 {
		t.Errorf("failures on the sandbox:\n%s", strings.Join(f, "\n"))
	}
	if got := outcome(rep, conformance.Skipped); !slices.Equal(got, alwaysSkipped) {
		t.Errorf("skipped %v, want %v", got, alwaysSkipped)
	}
	if len(rep.Results) != 20 || rep.ExitCode() != 0 {
		t.Errorf("%d rules, exit %d", len(rep.Results), rep.ExitCode())
	}
}

func fakeTarget(fake *strictfake.Server) flows.Target {
	return flows.Target{Name: "strict", IssuingURL: fake.URL, ThreeDSURL: fake.URL, WalletURL: fake.URL,
		APIKey: "k", ThreeDSKey: "sk_live_x", WalletToken: "t", ProductID: "P", CardholderID: strictfake.CardholderID,
		WalletID: strictfake.WalletID, CardID: strictfake.CardFor("Y").CardID, CustomerID: strictfake.CustomerID}
}

// TestDeviationsAreCaught: the strict fake, faithful, passes; made to
// depart from the seeds one way at a time, exactly the rules whose answers
// depart fail, each naming what differed — and nothing else is flagged.
func TestDeviationsAreCaught(t *testing.T) {
	caughtBy := map[strictfake.Deviation][]string{
		"":                        nil,
		strictfake.EnrollMessage:  {"000-enroll-200"},
		strictfake.GetDataObject:  {"000-get-200"},
		strictfake.UpdateNoStatus: {"000-update-200"},
		strictfake.ErrorStatusWord: {"000-headers-400", "000-credentials", "000-get-400", "000-enroll-body-400",
			"000-enroll-again-400", "000-unenroll-again-400"},
		strictfake.PurchaseDateNumber:  {"004-authenticate-200"},
		strictfake.NoDSID:              {"004-authenticate-200"},
		strictfake.AuthStatusLowercase: {"004-authenticate-200"},
		strictfake.ValidationMessage:   {"004-authenticate-422", "004-authenticate-422-empty"},
		strictfake.ValidationStatus400: {"004-authenticate-422", "004-authenticate-422-empty"},
		strictfake.MissingFieldWords:   {"004-authenticate-422", "004-authenticate-422-empty"},
		strictfake.Unauthenticated401:  {"004-authenticate-401"},
		strictfake.IDsBeforeBody:       {"002-verify-400", "002-verify-400-malformed"},
		strictfake.FieldErrorCode:      {"002-verify-400"},
		strictfake.CredentialsCode:     {"002-verify-401"},
		strictfake.FieldErrorsShape:    {"002-verify-400"},
	}
	if len(caughtBy) != len(strictfake.Deviations)+1 {
		t.Fatalf("a deviation has no expectation")
	}
	mentions := map[strictfake.Deviation]string{
		strictfake.EnrollMessage: `message: expected "3DS enrollment successful."`, strictfake.GetDataObject: "data: expected an array, got an object",
		strictfake.UpdateNoStatus: "status: missing", strictfake.ErrorStatusWord: `status: expected "error", got "failed"`,
		strictfake.PurchaseDateNumber: "purchase_date: expected a string, got a number", strictfake.NoDSID: "ds_id: missing",
		strictfake.AuthStatusLowercase: `auth_status: expected an EMV transStatus`, strictfake.ValidationMessage: `message: expected "Data validation failed", got "Validation failed"`,
		strictfake.ValidationStatus400: "expected HTTP 422, got HTTP 400", strictfake.MissingFieldWords: `errors.month: expected to include "This field is missing."`,
		strictfake.Unauthenticated401: `message: expected "Missing authentication information", got "Unauthenticated"`,
		strictfake.IDsBeforeBody:      "expected HTTP 400, got HTTP 404", strictfake.FieldErrorCode: `error.code: expected "5068", got "400"`,
		strictfake.CredentialsCode: `error.code: expected "5279", got "401"`, strictfake.FieldErrorsShape: "error.fieldErrors: expected an array, got an object",
	}
	for d, want := range caughtBy {
		name := string(d)
		if d == "" {
			name = "faithful"
		}
		t.Run(name, func(t *testing.T) {
			cfg := strictfake.Config{}
			if d != "" {
				cfg.Deviations = []strictfake.Deviation{d}
			}
			fake := strictfake.New(cfg)
			defer fake.Close()
			rep := conformance.Run(context.Background(), fakeTarget(fake), conformance.Options{})
			failed := outcome(rep, conformance.Failed)
			slices.Sort(failed)
			slices.Sort(want)
			if !slices.Equal(failed, want) {
				t.Errorf("failed %v, want %v:\n%s", failed, want, strings.Join(rep.Failures(), "\n"))
			}
			for _, f := range rep.Failures() {
				if !strings.Contains(f, mentions[d]) {
					t.Errorf("%s does not name what differed (%q)", f, mentions[d])
				}
			}
			if got := outcome(rep, conformance.Skipped); !slices.Equal(got, alwaysSkipped) || len(outcome(rep, conformance.Errored)) > 0 {
				t.Errorf("skipped %v, errors %v", got, outcome(rep, conformance.Errored))
			}
			wantExit := 0
			if len(want) > 0 {
				wantExit = 1
			}
			if rep.ExitCode() != wantExit {
				t.Errorf("exit %d, want %d", rep.ExitCode(), wantExit)
			}
			// No lasting state: the card it enrolled is unenrolled, and no
			// wallet was asked anything.
			if len(fake.Deliveries()) > 0 {
				t.Errorf("a webhook was sent: %v", fake.Deliveries())
			}
			if r := view(t, fakeTarget(fake)); r.HTTPStatus != 400 {
				t.Errorf("the card is left enrolled: %v", r)
			}
		})
	}
}

func view(t *testing.T, target flows.Target) flows.Result {
	s, err := flows.Open(context.Background(), target, flows.Options{Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return s.Enrollment(flows.Card{CardholderID: target.CardholderID, WalletID: target.WalletID, CardID: target.CardID}).View(context.Background())
}

// TestNoAnswer: a target that does not answer is an error on every rule
// that sends, and exit status 3, as with walletsim run.
func TestNoAnswer(t *testing.T) {
	fake := strictfake.New(strictfake.Config{})
	target := fakeTarget(fake)
	fake.Close()
	rep := conformance.Run(context.Background(), target, conformance.Options{})
	if rep.ExitCode() != 3 || len(outcome(rep, conformance.Errored)) == 0 || len(outcome(rep, conformance.Passed)) > 0 {
		t.Errorf("exit %d: %v", rep.ExitCode(), rep.Failures())
	}
}

// TestLeavesTheCardAsFound: a card already enrolled is read and updated to
// the method it had; nothing is enrolled or unenrolled.
func TestLeavesTheCardAsFound(t *testing.T) {
	fake := strictfake.New(strictfake.Config{})
	defer fake.Close()
	target := fakeTarget(fake)
	s, err := flows.Open(context.Background(), target, flows.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	card := flows.Card{CardholderID: target.CardholderID, WalletID: target.WalletID, CardID: target.CardID}
	if r := s.Enrollment(card).Enroll(context.Background(), "SMS"); !r.OK {
		t.Fatal(r)
	}
	rep := conformance.Run(context.Background(), target, conformance.Options{})
	if rep.ExitCode() != 0 || len(outcome(rep, conformance.Passed)) != 11 {
		t.Errorf("exit %d, passed %v\n%s", rep.ExitCode(), outcome(rep, conformance.Passed), strings.Join(rep.Failures(), "\n"))
	}
	var methods []string
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r.Path, "/issuing/") && r.Header.Get("x-api-key") != "" && r.Header.Get("x-product-id") != "" {
			methods = append(methods, r.Method)
		}
	}
	if want := []string{"POST", "GET", "PATCH", "GET"}; !slices.Equal(methods, want) {
		t.Errorf("issuer requests %v, want %v (the test's enroll, then only a read and a no-change update)", methods, want)
	}
	if r := s.Enrollment(card).View(context.Background()); r.OTPMethod != "SMS" {
		t.Errorf("after the check: %v", r)
	}
}

// TestShapesAcceptTheSeeds: every example the seeds give passes its rule's
// shape: the shapes are the seeds'.
func TestShapesAcceptTheSeeds(t *testing.T) {
	for file, shape := range conformance.SeedShapes {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "seeds", file))
		if err != nil {
			t.Fatal(err)
		}
		if problems := conformance.CheckShape(shape, b); len(problems) > 0 {
			t.Errorf("%s: %v", file, problems)
		}
	}
	if len(conformance.SeedShapes) != 18 {
		t.Errorf("%d seed examples checked, want all 18", len(conformance.SeedShapes))
	}
}

// TestReports: JSON and JUnit carry every rule.
func TestReports(t *testing.T) {
	fake := strictfake.New(strictfake.Config{Deviations: []strictfake.Deviation{strictfake.NoDSID}})
	defer fake.Close()
	rep := conformance.Run(context.Background(), fakeTarget(fake), conformance.Options{})
	var js bytes.Buffer
	conformance.WriteJSON(&js, rep)
	var decoded struct {
		Target                          string
		Passed, Failed, Skipped, Errors int
		Rules                           []conformance.Result
	}
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil || decoded.Failed != 1 || decoded.Skipped != 3 || decoded.Passed != 16 || len(decoded.Rules) != 20 {
		t.Errorf("json: %v %+v", err, decoded)
	}
	var ju bytes.Buffer
	conformance.WriteJUnit(&ju, rep)
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	if err := xml.Unmarshal(ju.Bytes(), &doc); err != nil || doc.Tests != 20 || doc.Failures != 1 || doc.Skipped != 3 {
		t.Errorf("junit: %v %+v", err, doc)
	}
	if !strings.Contains(ju.String(), `ds_id: missing`) || strings.Contains(js.String()+ju.String(), "sk_live_x") {
		t.Errorf("junit lacks the failure, or a secret leaked:\n%s", ju.String())
	}
}
