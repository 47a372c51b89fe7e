package sandbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// TestAbandonedWorkspacesExpire: a workspace no request has used for
// WorkspaceIdle is removed with what it kept (its credentials then reach
// the default workspace, like any unknown ones), one still in use stays,
// one never used is timed from its creation, and the default workspace
// stays however long it is unused.
func TestAbandonedWorkspacesExpire(t *testing.T) {
	e := newEnv(t, func(c *sandbox.Config) { c.WorkspaceIdle = 48 * time.Hour })
	ctx := context.Background()
	c := card(t, testcards.Visa, testcards.Challenge)
	e.enroll(c, issuing.SMS) // the default workspace, then never again
	active, abandoned, unused := e.workspace(), e.workspace(), e.workspace()
	for _, w := range []*tenant{active, abandoned} {
		if _, err := w.issuing.Enroll(ctx, ref(c), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
			t.Fatal(err)
		}
	}
	kept := e.sb.Stats().StoredBytes
	for range 5 { // 50 hours: active is used every 10
		e.clock.Advance(10 * time.Hour)
		if _, err := active.issuing.Get(ctx, ref(c)); err != nil {
			t.Fatalf("the workspace in use: %v", err)
		}
	}
	if n := e.sb.Stats().ExpiredWorkspaces; n != 2 {
		t.Fatalf("%d workspaces expired, want the abandoned and the unused one", n)
	}
	for _, w := range []*tenant{abandoned, unused} {
		if s, b := e.do("POST", "/sandbox/workspaces/"+w.view.ID+"/reset", w.auth, ""); s != 404 {
			t.Errorf("an expired workspace is still there: %d %s", s, b)
		}
	}
	if _, err := active.issuing.Get(ctx, ref(c)); err != nil {
		t.Fatalf("the workspace in use lost its enrollment: %v", err)
	}
	if _, err := e.issuing.Get(ctx, ref(c)); err != nil {
		t.Fatalf("the default workspace lost its enrollment: %v", err)
	}
	if st := e.sb.Stats(); st.StoredBytes >= kept {
		t.Errorf("the expired workspace's bytes were not given back: %d then %d", kept, st.StoredBytes)
	}
}
