// Package contract holds the input and output shapes of opus's three agents
// (librarian, writer, verifier) exactly as agent-contract.md defines them.
// Every provider — offline, openai, replay — speaks these types, so the
// code that checks outputs is the same whichever model produced them.
package contract

// Agent names one of the three agents.
type Agent string

const (
	Librarian Agent = "librarian"
	Writer    Agent = "writer"
	Verifier  Agent = "verifier"
)

// Fact kinds a librarian may assign.
var FactKinds = []string{"finding", "method", "measurement", "population", "definition", "background", "limitation"}

// Page is one page of a document chunk given to the librarian.
type Page struct {
	No   int    `json:"page"`
	Text string `json:"text"`
}

// LibrarianInput is one chunk of a document (consecutive pages).
type LibrarianInput struct {
	DocumentTitle string `json:"document_title"`
	Pages         []Page `json:"pages"`
}

// ExtractedFact is one atomic fact proposed by the librarian.
type ExtractedFact struct {
	Text  string `json:"text"`
	Quote string `json:"quote"`
	Page  int    `json:"page"`
	Kind  string `json:"kind"`
}

// LibrarianOutput is the librarian's answer for one chunk.
type LibrarianOutput struct {
	Facts []ExtractedFact `json:"facts"`
}

// Fact is an allowed fact as the writer and verifier see it: its handle, its
// text and, for extracted facts, the verbatim quote.
type Fact struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Quote string `json:"quote,omitempty"`
}

// Length bounds the number of sentences of a paragraph.
type Length struct {
	MinSentences int `json:"min_sentences"`
	MaxSentences int `json:"max_sentences"`
}

// Style is the optional style of a paragraph.
type Style struct {
	Tense    string `json:"tense,omitempty"`
	Voice    string `json:"voice,omitempty"`
	Audience string `json:"audience,omitempty"`
}

// Sentence is one written sentence with the facts it cites.
type Sentence struct {
	Text    string   `json:"text"`
	FactIDs []string `json:"fact_ids"`
}

// Rejected is a sentence from an earlier round with the verifier's reason,
// handed back to the writer in a repair round.
type Rejected struct {
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

// WriterInput is exactly what the writer may see: the spec's fields and the
// allowed facts, nothing else (contract invariant 2). Previous and Rejected
// are set only in repair rounds.
type WriterInput struct {
	Section  string     `json:"section"`
	Title    string     `json:"title,omitempty"`
	Intent   string     `json:"intent"`
	Style    *Style     `json:"style,omitempty"`
	Length   Length     `json:"length"`
	MustUse  []string   `json:"must_use,omitempty"`
	Facts    []Fact     `json:"facts"`
	Previous []Sentence `json:"previous,omitempty"`
	Rejected []Rejected `json:"rejected,omitempty"`
}

// WriterOutput is the writer's draft.
type WriterOutput struct {
	Sentences []Sentence `json:"sentences"`
}

// VerifyItem is one sentence with only its linked facts (contract invariant 5).
type VerifyItem struct {
	Index    int    `json:"index"`
	Sentence string `json:"sentence"`
	Facts    []Fact `json:"facts"`
}

// VerifierInput is a batch of items.
type VerifierInput struct {
	Items []VerifyItem `json:"items"`
}

// Verdict is the verifier's judgement of one item.
type Verdict struct {
	Index           int    `json:"index"`
	Supported       bool   `json:"supported"`
	Reason          string `json:"reason"`
	UnsupportedSpan string `json:"unsupported_span"`
}

// VerifierOutput holds exactly one verdict per item.
type VerifierOutput struct {
	Verdicts []Verdict `json:"verdicts"`
}
