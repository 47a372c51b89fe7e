package threeds

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/emv"
)

// Messages reads the EMV 3DS 2.2.0 messages behind authentication id, in
// order, each with who sent it to whom: AReq and ARes once the ACS has
// answered, and for a challenge or decoupled authentication that has
// ended, CReq, RReq, RRes and CRes. The seed has no such endpoint; this is
// walletsim's sandbox extension GET /v1/3ds/{id}/messages. Before
// authentication starts the list is empty.
func (c *Client) Messages(ctx context.Context, id string) ([]emv.Step, error) {
	const op = "threeds.Messages"
	if id == "" {
		return nil, client.FieldErrors{{Field: "id", Message: MsgMissing}}.Err(op)
	}
	call := client.Call{Op: op, Method: http.MethodGet, Path: "/v1/3ds/" + url.PathEscape(id) + "/messages"}
	reply, err := c.core.Do(ctx, c.authorized(call))
	if err != nil {
		return nil, err
	}
	if !reply.OK() {
		return nil, DecodeError(reply)
	}
	var body struct {
		Messages *[]emv.Step `json:"messages"`
	}
	if err := json.Unmarshal(reply.Body, &body); err != nil {
		return nil, &client.AnswerError{Op: op, Status: reply.Status, Field: "messages", Problem: err.Error()}
	}
	if body.Messages == nil {
		return nil, &client.AnswerError{Op: op, Status: reply.Status, Field: "messages", Problem: "missing: the list of EMV messages"}
	}
	return *body.Messages, nil
}
