// Package store keeps the sandbox's state: one Store holds every
// workspace, and a workspace is one tester's (or one CI job's) whole world
// — its credentials and clock, enrollments, pending wallet requests,
// cardholders' inboxes, webhook configuration and deliveries, and
// idempotency records.
//
// The contract, which every implementation must keep (storetest.Run checks
// it, so a SQL store can run the same suite):
//   - Records are plain values. A Store copies what it is given and what it
//     returns: a caller may modify either without affecting the Store.
//   - Every operation but the workspace registry's is scoped to one
//     workspace id; nothing one workspace does is visible from another. An
//     operation on a workspace that does not exist returns ErrNoWorkspace.
//   - Each method is atomic: concurrent calls behave as if run one after
//     the other. The compound ones (Enroll's "insert unless present",
//     TakePending's "answer if still pending", ClaimKey's "claim unless
//     claimed") are what the handlers need to stay correct when several
//     replicas share one database.
//   - Errors are the package's sentinels (compare with errors.Is) or an
//     implementation's own failure (a lost database connection), which the
//     sandbox answers as a 5xx.
//   - Time is the caller's: methods that need "now" take it, so each
//     workspace can run on its own clock (Workspace.ClockOffset).
//
// The authentications themselves (purchase, ARes, challenge code and
// attempts, result) are in a separate interface, Auths, that the SQL
// stores have and the memory store does not: a sandbox on a Memory keeps
// them in its process as live values, and one on SQLite or PostgreSQL in
// the store, so that a restart or another replica finds them (auths.go).
package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors.
var (
	ErrNoWorkspace = errors.New("store: no such workspace")
	ErrExists      = errors.New("store: already exists")
	ErrNotFound    = errors.New("store: not found")
	// ErrCredentialTaken is CreateWorkspace given a credential another
	// workspace already has.
	ErrCredentialTaken = errors.New("store: credential belongs to another workspace")
)

// DefaultWorkspace is the id of the workspace that requests with
// credentials belonging to no workspace use. It has no credentials of its
// own; CreateWorkspace makes it like any other.
const DefaultWorkspace = "default"

// Credentials are a workspace's own secrets, one per API, each unique
// across the Store (empty ones are not looked up).
type Credentials struct {
	IssuingAPIKey  string `json:"issuing_api_key"`  // x-api-key
	IssuingToken   string `json:"issuing_token"`    // Authorization: Bearer, issuing
	ThreeDSKey     string `json:"threeds_key"`      // HTTP Basic user name, 3DS server
	WalletToken    string `json:"wallet_token"`     // Authorization: Bearer, wallet platform
	WebhookHMACKey string `json:"webhook_hmac_key"` // signs the workspace's webhooks
}

// CredentialKind names which of a workspace's credentials a request
// presented.
type CredentialKind int

const (
	IssuingAPIKey CredentialKind = iota + 1
	IssuingToken
	ThreeDSKey
	WalletToken
)

// Of is the credential of kind k.
func (c Credentials) Of(k CredentialKind) string {
	switch k {
	case IssuingAPIKey:
		return c.IssuingAPIKey
	case IssuingToken:
		return c.IssuingToken
	case ThreeDSKey:
		return c.ThreeDSKey
	case WalletToken:
		return c.WalletToken
	}
	return ""
}

// Workspace is one isolated world.
type Workspace struct {
	ID          string
	Credentials Credentials
	Created     time.Time
	// ClockOffset is how far the workspace's owner moved its clock
	// forward: its time is the sandbox's plus this.
	ClockOffset time.Duration
}

// Enrollment is a card's 3DS enrollment (seed 000), keyed by cardholder
// and card.
type Enrollment struct {
	Cardholder string
	Card       string
	Wallet     string
	Method     string // EMAIL or SMS
}

// Message is one SMS or email in a cardholder's inbox.
type Message struct {
	ID               string
	Channel          string
	From             string
	To               string
	Subject          string
	Body             string
	Code             string
	AuthenticationID string
	SentAt           time.Time
}

// Webhook is where a workspace's wallet events go, and the key that signs
// them. OldKey still signs beside Key until OldUntil (on the workspace's
// clock): a key rotation's overlap.
type Webhook struct {
	URL      string
	Key      []byte
	OldKey   []byte
	OldUntil time.Time
	// Faults are the webhook faults (a fault spec of webhook= items) every
	// event of the workspace is delivered with, unless its request says
	// otherwise; the store keeps them as given.
	Faults string
}

// Delivery is one webhook event's delivery record, keyed by EventID.
type Delivery struct {
	EventID    string
	Auth3dsID  string
	URL        string
	Fault      string // the webhook fault that made it misbehave, if any
	Attempts   int
	LastStatus int
	LastError  string
	Delivered  bool
	Duplicates int // extra deliveries a duplicate fault made
	UpdatedAt  time.Time
}

// PendingStatus is a pending wallet request's state.
type PendingStatus string

const (
	Pending  PendingStatus = "PENDING"
	Answered PendingStatus = "ANSWERED"
	Expired  PendingStatus = "EXPIRED"
)

// PendingRequest is a decoupled authentication waiting for the
// cardholder's wallet (seed 002), keyed by Auth3dsID.
type PendingRequest struct {
	Auth3dsID         string
	AuthenticationID  string
	CustomerID        string
	CardID            string
	WalletOperationID string
	Event             []byte // the ThreeDSecureEvent, as sent
	Expires           time.Time
	Status            PendingStatus
	// Answer is the wallet's verification and AnswerBody the 201 it got,
	// set once by TakePending.
	Answer     []byte
	AnswerBody []byte
	AnsweredAt time.Time
}

// IdemState is where a claimed idempotency key stands.
type IdemState int

const (
	// Claimed: the key was free (or its record older than the TTL); the
	// caller now owns it and must Complete or Release it.
	Claimed IdemState = iota + 1
	// InFlight: another caller claimed it and has not completed it.
	InFlight
	// Done: the first request completed; replay Record.
	Done
	// Conflict: the key was used for a different request (fingerprint).
	Conflict
)

// IdemRecord is a remembered response to an idempotent request.
type IdemRecord struct {
	Key         string
	Fingerprint [32]byte
	Created     time.Time
	Status      int
	Body        []byte
}

// Size is what a record costs against a workspace's idempotency byte
// budget: its key and body plus a fixed overhead for the rest.
func (r IdemRecord) Size() int64 { return int64(len(r.Key)+len(r.Body)) + IdemOverhead }

// IdemOverhead is the bytes counted per record beyond its key and body.
const IdemOverhead = 128

// Store keeps every workspace. See the package doc for the contract.
type Store interface {
	// CreateWorkspace adds w: ErrExists if its id is taken,
	// ErrCredentialTaken if one of its credentials is.
	CreateWorkspace(ctx context.Context, w Workspace) error
	// Workspace returns one, or ErrNoWorkspace.
	Workspace(ctx context.Context, id string) (Workspace, error)
	// WorkspaceByCredential finds the workspace whose credential of kind k
	// is value, or ErrNoWorkspace.
	WorkspaceByCredential(ctx context.Context, k CredentialKind, value string) (Workspace, error)
	// DeleteWorkspace removes a workspace and everything in it.
	DeleteWorkspace(ctx context.Context, id string) error
	// ResetWorkspace empties a workspace — enrollments, pending requests,
	// inboxes, webhook and deliveries, idempotency records, clock offset —
	// keeping its id and credentials.
	ResetWorkspace(ctx context.Context, id string) error
	// AdvanceClock moves a workspace's clock forward by d (> 0) and returns
	// the workspace as it now is.
	AdvanceClock(ctx context.Context, id string, d time.Duration) (Workspace, error)

	// Enroll adds e, or returns ErrExists if the card is enrolled.
	Enroll(ctx context.Context, ws string, e Enrollment) error
	// Enrollment reads one, or ErrNotFound.
	Enrollment(ctx context.Context, ws, cardholder, card string) (Enrollment, error)
	// UpdateEnrollment changes the OTP method of an enrollment, or returns
	// ErrNotFound.
	UpdateEnrollment(ctx context.Context, ws, cardholder, card, method string) error
	// Unenroll removes one, or returns ErrNotFound.
	Unenroll(ctx context.Context, ws, cardholder, card string) error
	// Enrollments counts a workspace's enrollments.
	Enrollments(ctx context.Context, ws string) (int, error)

	// Deliver appends m to the cardholder's inbox, keeping the newest keep.
	Deliver(ctx context.Context, ws, cardholder string, m Message, keep int) error
	// Inbox is the cardholder's messages, oldest first.
	Inbox(ctx context.Context, ws, cardholder string) ([]Message, error)

	// SetWebhook replaces the workspace's webhook; Webhook reads it (the
	// zero Webhook when none was set).
	SetWebhook(ctx context.Context, ws string, w Webhook) error
	Webhook(ctx context.Context, ws string) (Webhook, error)
	// RecordDelivery inserts d or replaces the record with its EventID,
	// keeping the newest keep records (by first insertion).
	RecordDelivery(ctx context.Context, ws string, d Delivery, keep int) error
	// Deliveries are the workspace's delivery records, oldest first.
	Deliveries(ctx context.Context, ws string) ([]Delivery, error)

	// PutPending adds a pending wallet request (ErrExists if its id is
	// taken).
	PutPending(ctx context.Context, ws string, p PendingRequest) error
	// PendingRequest reads one, or ErrNotFound.
	PendingRequest(ctx context.Context, ws, auth3dsID string) (PendingRequest, error)
	// TakePending answers a request only if it is still pending and has
	// not expired at now: it sets Status Answered, Answer, AnswerBody and
	// AnsweredAt and returns the updated request with taken true. A
	// request already answered, expired or past Expires is returned as it
	// stands (an expired one with Status Expired) with taken false, so
	// the caller can replay the first answer or refuse. ErrNotFound if
	// there is none.
	TakePending(ctx context.Context, ws, auth3dsID string, answer, answerBody []byte, now time.Time) (p PendingRequest, taken bool, err error)
	// ExpirePending marks a request still pending as Expired, and reports
	// whether it did.
	ExpirePending(ctx context.Context, ws, auth3dsID string) (bool, error)
	// ListPending is the card's requests still pending at now, oldest
	// first.
	ListPending(ctx context.Context, ws, customerID, cardID string, now time.Time) ([]PendingRequest, error)
	// ForgetPending removes a request (finished authentications are
	// evicted).
	ForgetPending(ctx context.Context, ws, auth3dsID string) error

	// ClaimKey claims an idempotency key at now for a request with
	// fingerprint fp. A record older than the TTL counts as absent. See
	// IdemState for the answers; with Done or Conflict the record is
	// returned.
	ClaimKey(ctx context.Context, ws, key string, fp [32]byte, now time.Time) (IdemRecord, IdemState, error)
	// CompleteKey stores the response of a claimed key. Records are kept
	// for the TTL, and within the workspace's byte budget (IdemRecord.Size
	// summed): past it the oldest completed records are evicted first.
	CompleteKey(ctx context.Context, ws, key string, status int, body []byte) error
	// ReleaseKey frees a claimed key without a response (the request
	// ended without one), so a retry runs afresh.
	ReleaseKey(ctx context.Context, ws, key string) error
	// IdempotencyUsage is the workspace's records and their bytes.
	IdempotencyUsage(ctx context.Context, ws string) (records int, bytes int64, err error)
}

// Limits bound what a store keeps per workspace.
type Limits struct {
	// IdempotencyTTL is how long a completed idempotency record is
	// replayed (default 24 hours).
	IdempotencyTTL time.Duration
	// IdempotencyBytes is each workspace's byte budget for idempotency
	// records (default DefaultIdempotencyBytes): past it the oldest are
	// evicted even before their TTL.
	IdempotencyBytes int64
	// IdempotencyTotalBytes bounds the records of all workspaces together
	// (default DefaultIdempotencyTotalBytes; the memory store's, which
	// lives in the sandbox's RAM — the SQL stores keep theirs on disk):
	// past it the oldest records of the workspace holding the most bytes
	// are evicted first, so one workspace's flood costs the others
	// nothing until it has given up all of its own.
	IdempotencyTotalBytes int64
}

// The default idempotency budgets. A record of seed 000's (a 30-byte key
// and its ~100-byte answer) counts about 260 bytes: 4 MiB keeps the last
// ~16,000 answers of each workspace, 16 MiB ~64,000 in all.
const (
	DefaultIdempotencyBytes      = 4 << 20
	DefaultIdempotencyTotalBytes = 16 << 20
)

// WithDefaults fills zero fields.
func (l Limits) WithDefaults() Limits {
	if l.IdempotencyTTL == 0 {
		l.IdempotencyTTL = 24 * time.Hour
	}
	if l.IdempotencyBytes == 0 {
		l.IdempotencyBytes = DefaultIdempotencyBytes
	}
	if l.IdempotencyTotalBytes == 0 {
		l.IdempotencyTotalBytes = DefaultIdempotencyTotalBytes
	}
	return l
}
