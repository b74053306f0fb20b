package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/export"
	"github.com/opusblocks/opus/internal/spec"
)

// Manuscript is a manuscript file (opus build): a title, a citation style
// and sections of paragraphs, each written from a spec.
type Manuscript struct {
	Path      string
	Title     string
	Citations string
	Sections  []ManuscriptSection
}

// ManuscriptSection is a heading and its paragraphs' specs.
type ManuscriptSection struct {
	Heading    string
	Paragraphs []ManuscriptParagraph
}

// ManuscriptParagraph is one paragraph's spec and where it was written.
type ManuscriptParagraph struct {
	Source string // the spec file, or "FILE: sections[i].paragraphs[j]" for an inline spec
	Spec   []byte // the spec's canonical JSON
	Hash   string
}

// manuscriptFile is a manuscript file as written.
type manuscriptFile struct {
	Title     string `yaml:"title"`
	Citations string `yaml:"citations"`
	Sections  []struct {
		Heading    string           `yaml:"heading"`
		Paragraphs []map[string]any `yaml:"paragraphs"`
	} `yaml:"sections"`
}

// ReadManuscript reads and checks a manuscript file and the specs it
// names (paths relative to the file). Every spec is validated here, so a
// bad one fails the build before anything is generated.
func ReadManuscript(path string) (*Manuscript, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	var mf manuscriptFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&mf); err != nil {
		return nil, domain.Errorf(domain.Invalid, "%s: %v (a manuscript has title, citations and sections)", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	m := &Manuscript{Path: path, Title: strings.TrimSpace(mf.Title), Citations: mf.Citations}
	if m.Citations != "" {
		if _, err := export.ParseStyle(m.Citations); err != nil {
			return nil, domain.Errorf(domain.Invalid, "%s: citations: %v", path, err)
		}
	}
	if len(mf.Sections) == 0 {
		return nil, domain.Errorf(domain.Invalid, "%s has no sections; list them under sections:, each with a heading and paragraphs", path)
	}
	dir := filepath.Dir(path)
	for i, sec := range mf.Sections {
		ms := ManuscriptSection{Heading: strings.TrimSpace(sec.Heading)}
		if len(sec.Paragraphs) == 0 {
			return nil, domain.Errorf(domain.Invalid, "%s: sections[%d] (%q) has no paragraphs", path, i, ms.Heading)
		}
		for j, p := range sec.Paragraphs {
			mp, err := manuscriptParagraph(path, dir, i, j, p)
			if err != nil {
				return nil, err
			}
			ms.Paragraphs = append(ms.Paragraphs, *mp)
		}
		m.Sections = append(m.Sections, ms)
	}
	return m, nil
}

// manuscriptParagraph reads one paragraph entry: {spec: PATH} or the
// spec's fields inline.
func manuscriptParagraph(path, dir string, i, j int, p map[string]any) (*ManuscriptParagraph, error) {
	where := fmt.Sprintf("%s: sections[%d].paragraphs[%d]", path, i, j)
	var data []byte
	source := where
	if ref, ok := p["spec"]; ok {
		file, isString := ref.(string)
		if !isString || len(p) != 1 {
			return nil, domain.Errorf(domain.Invalid, "%s: spec: must be the one field, a path to a spec file", where)
		}
		source = file
		if !filepath.IsAbs(file) {
			source = filepath.Join(dir, file)
		}
		var err error
		if data, err = os.ReadFile(source); err != nil {
			return nil, domain.Errorf(domain.Invalid, "%s: spec %s: cannot read: %v", where, file, err)
		}
	} else {
		var err error
		if data, err = json.Marshal(p); err != nil {
			return nil, domain.Errorf(domain.Invalid, "%s: %v", where, err)
		}
	}
	sp, err := spec.Parse(data)
	if err != nil {
		return nil, domain.Wrap(err, domain.Invalid, "%s: %s", source, err.Error())
	}
	return &ManuscriptParagraph{Source: source, Spec: sp.Canonical(), Hash: sp.Hash()}, nil
}

// Build actions: what opus build does for a paragraph.
const (
	BuildReuse    = "reuse"    // a verified paragraph was written from this spec
	BuildWait     = "wait"     // one is being written
	BuildGenerate = "generate" // none was, or the last failed to run
	BuildRejected = "rejected" // the one written was not verified: the build fails
)

// BuildStep is what opus build does for one paragraph of a manuscript.
type BuildStep struct {
	Section   int               `json:"section"`
	Index     int               `json:"index"`
	Source    string            `json:"source"`
	Action    string            `json:"action"`
	Paragraph *domain.Paragraph `json:"paragraph,omitempty"`
	Reason    string            `json:"reason,omitempty"`
}

// PlanBuild says, for each paragraph of m, whether the paragraph last
// written from the same spec is used as it is, waited for, or a new one
// generated. An unchanged spec reuses its paragraph and costs no model
// call; a rejected one fails the build rather than being regenerated at
// the same temperature to the same result.
func (s *Service) PlanBuild(ctx context.Context, a Actor, m *Manuscript) ([]BuildStep, error) {
	tn := s.db.Tenant(a.OwnerID)
	var steps []BuildStep
	for i, sec := range m.Sections {
		for j, mp := range sec.Paragraphs {
			st := BuildStep{Section: i, Index: j, Source: mp.Source, Action: BuildGenerate}
			p, err := tn.ParagraphBySpecHash(ctx, mp.Hash)
			switch {
			case domain.ErrorCode(err) == domain.NotFound:
			case err != nil:
				return nil, err
			default:
				st.Paragraph = p
				switch p.State {
				case domain.ParaVerified:
					st.Action = BuildReuse
				case domain.ParaQueued, domain.ParaGenerating, domain.ParaVerifying, domain.ParaDraft:
					st.Action = BuildWait
				case domain.ParaRejected:
					st.Action = BuildRejected
					st.Reason = fmt.Sprintf("%s, written from this spec, was rejected; change the spec or edit it ('opus para show %s --diagnostics')", p.Handle, p.Handle)
				}
			}
			steps = append(steps, st)
		}
	}
	return steps, nil
}

// ParagraphJob returns the newest job of a paragraph (the one writing or
// verifying it now, when it is not settled).
func (s *Service) ParagraphJob(ctx context.Context, a Actor, handle string) (*domain.Job, error) {
	tn := s.db.Tenant(a.OwnerID)
	p, err := s.resolvePara(ctx, tn, handle)
	if err != nil {
		return nil, err
	}
	js, err := tn.JobsForTarget(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if len(js) == 0 {
		return nil, domain.Errorf(domain.NotFound, "%s has no job", p.Handle)
	}
	return &js[0], nil // newest first
}
