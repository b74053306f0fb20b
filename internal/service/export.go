package service

import (
	"context"
	"fmt"

	"github.com/opusblocks/opus/internal/biblio"
	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/export"
	"github.com/opusblocks/opus/internal/spec"
	"github.com/opusblocks/opus/internal/textnorm"
)

// ExportedParagraph is a verified paragraph ready to render (Paragraph)
// and everything it rests on (the rest): each sentence, the facts it
// cites with their quotes, pages and documents, the verifier run that
// passed it, and the models and prompt versions of the runs behind it.
type ExportedParagraph struct {
	Paragraph export.Paragraph `json:"-"`
	Style     string           `json:"citations,omitempty"` // the spec's citations style, if it names one

	ID        string             `json:"id"`
	Revision  int                `json:"revision"`
	Section   string             `json:"section"`
	Title     string             `json:"title,omitempty"`
	SpecHash  string             `json:"spec_hash"`
	Sentences []ExportedSentence `json:"sentences"`
	Runs      []RunVersion       `json:"runs"`
}

// ExportedSentence is one sentence's provenance.
type ExportedSentence struct {
	Ordinal       int            `json:"ordinal"`
	Text          string         `json:"text"`
	Verbatim      bool           `json:"verbatim"`
	VerbatimWords int            `json:"verbatim_words"`
	Verdict       string         `json:"verdict"`
	VerifierRun   string         `json:"verifier_run,omitempty"`
	Facts         []ExportedFact `json:"facts"`
}

// ExportedFact is a cited fact with its evidence.
type ExportedFact struct {
	ID       string       `json:"id"`
	Text     string       `json:"text"`
	Kind     string       `json:"kind"`
	Quote    string       `json:"quote,omitempty"`
	Page     int          `json:"page,omitempty"`
	Source   string       `json:"source,omitempty"` // a manual fact's source note
	Document *ExportedDoc `json:"document,omitempty"`
}

// ExportedDoc is the document a fact quotes.
type ExportedDoc struct {
	ID       string     `json:"id"`
	Filename string     `json:"filename"`
	SHA256   string     `json:"sha256"`
	Bib      biblio.Ref `json:"bib"`
}

// RunVersion is what produced part of a paragraph: a model call's agent,
// model and prompt version, by run handle.
type RunVersion struct {
	ID            string `json:"id"`
	Agent         string `json:"agent"`
	Provider      string `json:"provider"`
	Model         string `json:"model"`
	PromptVersion string `json:"prompt_version"`
	InputHash     string `json:"input_hash"`
	Status        string `json:"status"`
}

// ExportParagraph returns a paragraph to export. Only a verified paragraph
// whose current revision cites only active facts exports: anything else is
// refused (NotVerified) with the reason, even when an earlier verified
// revision could be shown, since an export is what goes to print.
func (s *Service) ExportParagraph(ctx context.Context, a Actor, handle string) (*ExportedParagraph, error) {
	tr, err := s.TraceParagraph(ctx, a, handle, false)
	if err != nil {
		return nil, err
	}
	v := tr.Paragraph
	if v.Text == "" || v.Latest != 0 {
		why := v.Note
		if why == "" {
			why = fmt.Sprintf("%s is %s", v.ID, v.State)
			if len(v.Reasons) > 0 {
				why += ": " + v.Reasons[0]
			}
		}
		return nil, domain.Errorf(domain.NotVerified, "%s cannot be exported: only a verified paragraph citing only active facts exports (%s); see 'opus para show %s --diagnostics'",
			v.ID, why, v.ID)
	}
	facts := map[string]domain.Fact{}
	for _, f := range tr.Allowed {
		facts[f.Handle] = f
	}
	docs := map[string]*domain.Document{}
	tn := s.db.Tenant(a.OwnerID)
	out := &ExportedParagraph{ID: v.ID, Revision: v.Revision, Section: v.Section, Paragraph: export.Paragraph{Handle: v.ID}}
	if sp, err := spec.Parse(tr.Spec); err == nil {
		out.Title, out.Style, out.SpecHash = sp.Title, sp.Citations, sp.Hash()
	}
	for _, st := range v.Sentences {
		es := ExportedSentence{Ordinal: st.Ordinal, Text: textnorm.StripMarkers(st.Text), Verbatim: st.Verbatim,
			VerbatimWords: st.VerbatimWords, Verdict: st.Verdict, VerifierRun: st.VerifierRun}
		xs := export.Sentence{Text: es.Text, Verbatim: st.Verbatim}
		for _, h := range st.Facts {
			f, ok := facts[h]
			if !ok { // a verified sentence cites only allowed facts (contract)
				return nil, domain.Errorf(domain.Internal, "%s cites %s, which is not among its allowed facts", v.ID, h)
			}
			ef := ExportedFact{ID: f.Handle, Text: f.Text, Kind: f.Kind, Page: domain.Deref(f.Page), Quote: domain.Deref(f.Quote), Source: domain.Deref(f.SourceNote)}
			cite := export.Cite{Page: ef.Page, Note: ef.Source}
			if f.DocumentID != nil {
				d, ok := docs[*f.DocumentID]
				if !ok {
					if d, err = tn.DocumentByID(ctx, *f.DocumentID); err != nil {
						return nil, err
					}
					docs[*f.DocumentID] = d
				}
				ef.Document = &ExportedDoc{ID: d.Handle, Filename: d.Filename, SHA256: d.SHA256, Bib: citable(d)}
				cite.Ref = &ef.Document.Bib
			}
			es.Facts = append(es.Facts, ef)
			xs.Cites = append(xs.Cites, cite)
		}
		out.Sentences = append(out.Sentences, es)
		out.Paragraph.Sentences = append(out.Paragraph.Sentences, xs)
	}
	for _, r := range tr.Runs {
		if r.Agent == string(contract.Writer) || r.Agent == string(contract.Verifier) {
			out.Runs = append(out.Runs, RunVersion{ID: r.Handle, Agent: r.Agent, Provider: r.Provider, Model: r.Model,
				PromptVersion: r.PromptVersion, InputHash: r.InputHash, Status: r.Status})
		}
	}
	return out, nil
}

// citable is a document's metadata as a reference: with its display title
// when the metadata has none, and a key (documents stored before keys were
// given get one from their handle, which is unique).
func citable(d *domain.Document) biblio.Ref {
	r := d.Bib
	if r.Title == "" {
		r.Title = d.Title
	}
	if r.Key == "" {
		r.Key = "opus-" + d.Handle
	}
	return r
}
