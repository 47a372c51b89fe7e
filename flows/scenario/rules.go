package scenario

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// The format's rules beyond its types, one finish method per type: the
// decoder calls it once the type's mapping is read (decode.go).

func (sc *Scenario) finish(c *checker) {
	if !c.has("target") {
		sc.Target = "sandbox"
	}
	c.require("name", sc.Name != "", "required")
	c.require("steps", len(sc.Steps) > 0, "at least one step is required")
	for _, st := range sc.Steps {
		if st.Authenticate != nil && sc.Card.Number == "" {
			c.d.fail(c.n, "card.number", "required: step at line "+strconv.Itoa(st.Line)+" authenticates a card")
			return
		}
	}
}

func (card *Card) finish(*checker) { card.Number = strings.ReplaceAll(card.Number, " ", "") }

func (st *Step) finish(c *checker) {
	st.Line = c.n.Line
	var action string
	for i := 0; i+1 < len(c.n.Content); i += 2 {
		key := c.n.Content[i].Value
		switch {
		case !slices.Contains(Actions, key):
		case action != "":
			c.d.fail(c.n.Content[i+1], c.field(key), "a step has one action; this one already has "+action)
		default:
			action = key
		}
	}
	if action == "" {
		c.fail("no action: want one of " + strings.Join(Actions, ", "))
	}
	oneOf(c, "credentials", st.Credentials, []string{"none", "publishable"})
	if _, err := fault.Parse(st.Fault); err != nil {
		c.rule("fault", false, err.Error())
	}
}

func (in *OTPInput) finish(c *checker) {
	c.require("otp", in.OTP != "", "required (EMAIL or SMS)")
	oneOf(c, "otp", in.OTP, issuing.OTPMethods)
}

// finish fills in the purchase the README documents as the default.
func (a *AuthInput) finish(c *checker) {
	if !c.has("amount") {
		a.Amount = 100
	}
	if !c.has("currency") {
		a.Currency = "SAR"
	}
	if !c.has("channel") {
		a.Channel = threeds.Browser
	}
	if !c.has("challenge_preference") {
		a.ChallengePreference = threeds.NoPreference
	}
	oneOf(c, "channel", a.Channel, threeds.Channels)
	oneOf(c, "challenge_preference", a.ChallengePreference, threeds.ChallengePreferences)
}

var digits = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{1,12}$`) })

func (in *ChallengeInput) finish(c *checker) {
	c.rule("code", in.Code == CodeInbox || in.Code == CodeWrong || in.Code == CodeBrowser || digits().MatchString(in.Code),
		`must be "inbox", "wrong", "browser" or the digits to type`)
	if (in.Code == "") == !in.Cancel {
		c.fail("give either code or cancel: true")
	}
}

func (in *WalletInput) finish(c *checker) {
	oneOf(c, "decision", in.Decision, wallet.Statuses)
	c.rule("reason", len([]rune(in.Reason)) <= wallet.MaxStatusReason,
		fmt.Sprintf("at most %d characters (seed 002's limit)", wallet.MaxStatusReason))
}

var (
	transStatuses = []TransStatus{"Y", "A", "C", "D", "N", "R", "U", "I"}
	eciRE         = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{2}$`) })
)

func (e *Expect) finish(c *checker) {
	e.Line = c.n.Line
	c.rule("status", e.Status >= 100 && e.Status <= 599, "must be an HTTP status (100–599)")
	oneOf(c, "trans_status", e.TransStatus, transStatuses)
	c.rule("eci", e.ECI == nil || *e.ECI == "" || eciRE().MatchString(*e.ECI),
		`must be two digits, such as "05" (quote it), or "" for none`)
	c.rule("cavv", e.CAVV == "present" || e.CAVV == "absent" || len(e.CAVV) == 28,
		`must be "present", "absent" or a 28-character value`)
}
