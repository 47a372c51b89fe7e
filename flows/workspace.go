package flows

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// A standalone walletsim sandbox (a target with Extensions that is not the
// embedded one) is shared: each session gets a workspace of its own, so
// that two people, or two scenarios run in parallel, never see each
// other's enrollments and purchases, and a scenario finds the sandbox as
// fresh as the embedded one. A profile that names a workspace uses it, with
// its own credentials, instead.
//
// These calls are not observed: the workspace's answer holds its
// credentials, which no transcript or inspector may show.

// workspaceTimeout bounds each call to the sandbox's workspace endpoints.
const workspaceTimeout = 10 * time.Second

// workspaceReply is POST /sandbox/workspaces' answer.
type workspaceReply struct {
	ID          string `json:"id"`
	Credentials struct {
		IssuingAPIKey  string `json:"issuing_api_key"`
		IssuingToken   string `json:"issuing_token"`
		ThreeDSKey     string `json:"threeds_key"`
		WalletToken    string `json:"wallet_token"`
		WebhookHMACKey string `json:"webhook_hmac_key"`
	} `json:"credentials"`
}

// ownsWorkspace reports whether a session on t makes its own workspace.
func ownsWorkspace(t Target) bool { return t.Extensions && !t.Sandbox && t.Workspace == "" }

// createWorkspace makes a workspace on t's sandbox and returns t with its
// id and credentials.
func createWorkspace(ctx context.Context, t Target, rt http.RoundTripper) (Target, error) {
	var ws workspaceReply
	if err := workspaceCall(ctx, rt, t, http.MethodPost, "/sandbox/workspaces", nil, &ws); err != nil {
		return t, fmt.Errorf("create a workspace on the sandbox: %w", err)
	}
	c := ws.Credentials
	if ws.ID == "" || c.IssuingAPIKey == "" || c.ThreeDSKey == "" || c.WalletToken == "" || c.WebhookHMACKey == "" {
		return t, errors.New("create a workspace on the sandbox: the answer lacks the id or a credential")
	}
	t.Workspace = ws.ID
	t.APIKey, t.IssuingToken, t.ThreeDSKey, t.WalletToken, t.HMACKey = c.IssuingAPIKey, c.IssuingToken, c.ThreeDSKey, c.WalletToken, c.WebhookHMACKey
	return t, nil
}

// deleteWorkspace removes the session's own workspace.
func deleteWorkspace(ctx context.Context, t Target, rt http.RoundTripper) error {
	return workspaceCall(ctx, rt, t, http.MethodDelete, "/sandbox/workspaces/"+url.PathEscape(t.Workspace), nil, nil)
}

// pointWebhook sends the workspace's wallet events to the session's
// listener, signed with the workspace's key.
func pointWebhook(ctx context.Context, t Target, rt http.RoundTripper, listener string) error {
	body := map[string]string{"url": listener, "hmac_key": t.HMACKey}
	if err := workspaceCall(ctx, rt, t, http.MethodPut, "/sandbox/webhook", body, nil); err != nil {
		return fmt.Errorf("point the workspace's webhook at %s: %w", listener, err)
	}
	return nil
}

// advanceWorkspace moves the workspace's clock forward by d.
func advanceWorkspace(ctx context.Context, t Target, rt http.RoundTripper, d time.Duration) error {
	body := map[string]string{"advance": d.String()}
	return workspaceCall(ctx, rt, t, http.MethodPost, "/sandbox/workspaces/"+url.PathEscape(t.Workspace)+"/clock", body, nil)
}

// workspaceCall sends one request to the sandbox at t.ThreeDSURL with the
// workspace's 3DS key, and decodes a 2xx answer into out.
func workspaceCall(ctx context.Context, rt http.RoundTripper, t Target, method, path string, body, out any) error {
	ctx, cancel := context.WithTimeout(ctx, workspaceTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(t.ThreeDSURL, "/")+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if t.ThreeDSKey != "" {
		req.SetBasicAuth(t.ThreeDSKey, "")
	}
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var e struct {
			Error string `json:"error"`
		}
		json.Unmarshal(b, &e)
		if e.Error == "" {
			e.Error = http.StatusText(resp.StatusCode)
		}
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, e.Error)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}
