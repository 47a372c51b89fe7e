// Package emv is the wire format of EMV 3-D Secure 2.2.0 as walletsim plays
// it: the six messages of a browser authentication (AReq, ARes, CReq, CRes,
// RReq, RRes) with EMV's own JSON field names, builders that turn one
// authentication (the seed 004 request and its outcome) into the whole
// ordered exchange with who sent each message to whom, the field rules per
// outcome as data with a checker, base64url for creq and cres, and a
// glossary with a one-line meaning for every field and code.
//
// It holds no HTTP and no UI. The sandbox produces the exchange (Build is a
// pure function of an Authentication and its Outcome, so the sandbox can
// rebuild it on request rather than keep it), the extension endpoint
// GET /v1/3ds/{id}/messages serves it as JSON ([]Step), and the client and
// the TUI decode it with DecodeSteps and explain it with Meaning and
// CodeMeaning.
//
// Where seed 004 gives a value EMV formats differently, the builder converts
// it: card expiry month and year become cardExpiryDate YYMM, the currency's
// alpha code becomes ISO 4217 numeric with its exponent, country codes
// become ISO 3166-1 numeric, screen sizes become strings, a mobile number
// becomes {cc, subscriber}. Where the seed has nothing EMV requires (the
// 3DS Requestor's and acquirer's identities, the DS's reference number), the
// values come from Parties. The card number is always masked (first six and
// last four digits): the messages are shown to people and kept in logs.
package emv
