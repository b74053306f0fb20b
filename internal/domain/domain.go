package domain

import "github.com/opusblocks/opus/internal/biblio"

// Document states.
const (
	DocStored     = "stored"
	DocTextReady  = "text_ready"
	DocExtracting = "extracting"
	DocFactsReady = "facts_ready"
	DocFailed     = "failed"
)

// Paragraph states. Only ParaVerified is displayable.
const (
	ParaDraft      = "draft"
	ParaQueued     = "queued"
	ParaGenerating = "generating"
	ParaVerifying  = "verifying"
	ParaVerified   = "verified"
	ParaRejected   = "rejected"
	ParaFailed     = "failed"
	ParaStale      = "stale"
)

// Sentence verdicts.
const (
	VerdictPending     = "pending"
	VerdictSupported   = "supported"
	VerdictUnsupported = "unsupported"
)

// Job states and kinds.
const (
	JobQueued    = "queued"
	JobRunning   = "running"
	JobSucceeded = "succeeded"
	JobFailed    = "failed"
	JobCancelled = "cancelled"

	KindExtractFacts      = "extract_facts"
	KindGenerateParagraph = "generate_paragraph"
	KindVerifyParagraph   = "verify_paragraph"
)

// Fact origins and states.
const (
	OriginExtracted = "extracted"
	OriginManual    = "manual"
	FactActive      = "active"
	FactRetracted   = "retracted"
)

// Revision origins.
const (
	RevWriter = "writer"
	RevRepair = "repair"
	RevEdit   = "edit"
)

// Run statuses.
const (
	RunOK            = "ok"
	RunInvalidOutput = "invalid_output"
	RunError         = "error"
	RunCached        = "cached"
)

// Owner is a tenant: a CLI profile or a server account.
type Owner struct {
	ID        string `db:"id" json:"-"`
	Kind      string `db:"kind" json:"kind"`
	Name      string `db:"name" json:"name"`
	CreatedAt Time   `db:"created_at" json:"created_at"`
}

// Document is a stored source file.
type Document struct {
	ID        string  `db:"id" json:"-"`
	Seq       int64   `db:"seq" json:"-"`
	Handle    string  `db:"-" json:"id"`
	Title     string  `db:"title" json:"title"`
	Filename  string  `db:"filename" json:"filename"`
	MediaType string  `db:"media_type" json:"media_type"`
	SHA256    string  `db:"sha256" json:"sha256"`
	Bytes     int64   `db:"bytes" json:"bytes"`
	PageCount int     `db:"page_count" json:"pages"`
	State     string  `db:"state" json:"state"`
	Error     *string `db:"error" json:"error,omitempty"`
	BlobPath  string  `db:"blob_path" json:"-"`
	Bibkey    *string `db:"bibkey" json:"bibkey,omitempty"`
	// Bib is the bibliographic metadata: read from the PDF, imported from a
	// reference manager, or edited; its Key and Title are Bibkey's and
	// Title's. MetaJSON is how it is stored.
	Bib      biblio.Ref `db:"-" json:"bib"`
	MetaJSON string     `db:"meta" json:"-"`
	// TextLayer is "text" (visible text) or "ocr" (only invisible text, as
	// OCR tools lay under a scan); nil for documents stored before it was kept.
	TextLayer *string `db:"text_layer" json:"text_layer,omitempty"`
	CreatedAt Time    `db:"created_at" json:"created_at"`
	UpdatedAt Time    `db:"updated_at" json:"updated_at"`
}

// Fact is an atomic statement, anchored to a page quote or a manual source.
type Fact struct {
	ID          string  `db:"id" json:"-"`
	Seq         int64   `db:"seq" json:"-"`
	Handle      string  `db:"-" json:"id"`
	Origin      string  `db:"origin" json:"origin"`
	DocumentID  *string `db:"document_id" json:"-"`
	DocSeq      *int64  `db:"doc_seq" json:"-"`
	DocHandle   string  `db:"-" json:"document,omitempty"`
	Page        *int    `db:"page" json:"page,omitempty"`
	Quote       *string `db:"quote" json:"quote,omitempty"`
	Text        string  `db:"text" json:"text"`
	Kind        string  `db:"kind" json:"kind"`
	SourceNote  *string `db:"source_note" json:"source,omitempty"`
	State       string  `db:"state" json:"state"`
	RunID       *string `db:"run_id" json:"-"`
	CreatedAt   Time    `db:"created_at" json:"created_at"`
	RetractedAt *Time   `db:"retracted_at" json:"retracted_at,omitempty"`
}

// Paragraph is a requested paragraph and where it stands.
type Paragraph struct {
	ID              string  `db:"id" json:"-"`
	Seq             int64   `db:"seq" json:"-"`
	Handle          string  `db:"-" json:"id"`
	Spec            string  `db:"spec" json:"-"`
	SpecHash        string  `db:"spec_hash" json:"spec_hash"`
	State           string  `db:"state" json:"state"`
	CurrentRevision *int    `db:"current_revision" json:"revision,omitempty"`
	Error           *string `db:"error" json:"error,omitempty"`
	CreatedAt       Time    `db:"created_at" json:"created_at"`
	UpdatedAt       Time    `db:"updated_at" json:"updated_at"`
}

// Revision is one version of a paragraph's sentences.
type Revision struct {
	ID          string     `db:"id" json:"-"`
	ParagraphID string     `db:"paragraph_id" json:"-"`
	N           int        `db:"n" json:"n"`
	Origin      string     `db:"origin" json:"origin"`
	RunID       *string    `db:"run_id" json:"-"`
	RunHandle   string     `db:"-" json:"run,omitempty"`
	CreatedAt   Time       `db:"created_at" json:"created_at"`
	Sentences   []Sentence `db:"-" json:"sentences"`
}

// Supported is the rule of contract §1 and §4 over a revision: it has
// sentences, and every one is supported and links at least one fact. It is
// the one statement of the rule: the transaction that marks a paragraph
// verified (store.SettleParagraph) and the gate on showing its text
// (service.Displayable) both ask it.
func (r *Revision) Supported() bool {
	if r == nil || len(r.Sentences) == 0 {
		return false
	}
	for _, s := range r.Sentences {
		if s.Verdict != VerdictSupported || len(s.Facts) == 0 {
			return false
		}
	}
	return true
}

// Sentence is one sentence of a revision with its verdict and citations.
type Sentence struct {
	ID         string  `db:"id" json:"-"`
	RevisionID string  `db:"revision_id" json:"-"`
	Ordinal    int     `db:"ordinal" json:"ordinal"`
	Text       string  `db:"text" json:"text"`
	Verdict    string  `db:"verdict" json:"verdict"`
	Reason     *string `db:"reason" json:"reason,omitempty"`
	// ReasonCode is the category of an unsupported verdict (see
	// agents.Reason*); unlike Reason it never quotes model output.
	ReasonCode    *string  `db:"reason_code" json:"reason_code,omitempty"`
	VerifierRunID *string  `db:"verifier_run_id" json:"-"`
	VerifierRun   string   `db:"-" json:"verifier_run,omitempty"`
	Facts         []string `db:"-" json:"facts"` // handles
	// VerbatimWords is the longest run of words the sentence shares with a
	// quote it cites; Verbatim says it is long enough to need quoting
	// (measured when shown, not stored).
	VerbatimWords int  `db:"-" json:"verbatim_words,omitempty"`
	Verbatim      bool `db:"-" json:"verbatim,omitempty"`
	// Retracted names the facts it cites that are retracted now: why a
	// stale paragraph is not shown (set when shown, not stored).
	Retracted []string `db:"-" json:"retracted_facts,omitempty"`
}

// Job is a unit of background work as users see it.
type Job struct {
	ID             string  `db:"id" json:"-"`
	Seq            int64   `db:"seq" json:"-"`
	Handle         string  `db:"-" json:"id"`
	Kind           string  `db:"kind" json:"kind"`
	TargetID       string  `db:"target_id" json:"-"`
	Target         string  `db:"-" json:"target"`
	State          string  `db:"state" json:"state"`
	Attempt        int     `db:"attempt" json:"attempt"`
	MaxAttempts    int     `db:"max_attempts" json:"max_attempts"`
	RunAfter       Time    `db:"run_after" json:"run_after"`
	IdempotencyKey string  `db:"idempotency_key" json:"idempotency_key"`
	TraceID        string  `db:"trace_id" json:"trace_id"`
	EngineJobID    *int64  `db:"engine_job_id" json:"-"`
	Error          *string `db:"error" json:"error,omitempty"`
	// ErrorCode is the code of a failed job's final error (a domain.Code).
	ErrorCode  *string `db:"error_code" json:"error_code,omitempty"`
	CreatedAt  Time    `db:"created_at" json:"created_at"`
	UpdatedAt  Time    `db:"updated_at" json:"updated_at"`
	FinishedAt *Time   `db:"finished_at" json:"finished_at,omitempty"`
}

// Run is one model call (or cache hit) on the record.
type Run struct {
	ID            string  `db:"id" json:"-"`
	Seq           int64   `db:"seq" json:"-"`
	Handle        string  `db:"-" json:"id"`
	JobID         *string `db:"job_id" json:"-"`
	Job           string  `db:"-" json:"job,omitempty"`
	TraceID       string  `db:"trace_id" json:"trace_id"`
	Agent         string  `db:"agent" json:"agent"`
	Provider      string  `db:"provider" json:"provider"`
	Model         string  `db:"model" json:"model"`
	PromptVersion string  `db:"prompt_version" json:"prompt_version"`
	Temperature   float64 `db:"temperature" json:"temperature"`
	InputHash     string  `db:"input_hash" json:"input_hash"`
	Request       string  `db:"request" json:"request"`
	Response      *string `db:"response" json:"response,omitempty"`
	Status        string  `db:"status" json:"status"`
	Error         *string `db:"error" json:"error,omitempty"`
	TokensIn      int64   `db:"tokens_in" json:"tokens_in"`
	TokensOut     int64   `db:"tokens_out" json:"tokens_out"`
	TokensCached  int64   `db:"tokens_cached" json:"tokens_cached"`
	CostUSD       float64 `db:"cost_usd" json:"cost_usd"`
	PriceVersion  *string `db:"price_version" json:"price_version,omitempty"`
	LatencyMS     int64   `db:"latency_ms" json:"latency_ms"`
	CachedFrom    *string `db:"cached_from" json:"-"`
	Rejections    *string `db:"rejections" json:"rejections,omitempty"`
	CreatedAt     Time    `db:"created_at" json:"created_at"`
}

// Deref is the value p points to, or T's zero value when p is nil: the
// optional columns (a fact's page, quote, source note) as plain values.
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
