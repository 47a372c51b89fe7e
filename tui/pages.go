package tui

import (
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/pages/cards"
	"github.com/walletsim/walletsim/tui/pages/enroll"
	"github.com/walletsim/walletsim/tui/pages/home"
	"github.com/walletsim/walletsim/tui/pages/learn"
	"github.com/walletsim/walletsim/tui/pages/pay"
	"github.com/walletsim/walletsim/tui/pages/scenariorun"
	"github.com/walletsim/walletsim/tui/pages/walletinbox"
)

// newPage builds the page id names.
func (a *App) newPage(id common.PageID) common.Page {
	switch id {
	case common.Enroll:
		return enroll.New(a.c, false)
	case common.Manage:
		return enroll.New(a.c, true)
	case common.PayBrowser:
		return pay.New(a.c, threeds.Browser)
	case common.PayDecoupled:
		return pay.New(a.c, threeds.Decoupled)
	case common.WalletInbox:
		return walletinbox.New(a.c, a.phone)
	case common.Scenario:
		return scenariorun.New(a.c, a.opts.Resolve)
	case common.Cards:
		return cards.New(a.c)
	case common.Course:
		return learn.New(a.c)
	}
	return home.New(a.c)
}
