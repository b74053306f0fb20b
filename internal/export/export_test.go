package export

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opusblocks/opus/internal/biblio"
)

// The fixtures: three, two and one author(s), an organisation, a work
// without authors, one without a year.
var (
	smith = &biblio.Ref{Key: "smith2020", Title: "Deep learning for cell counting",
		Authors: []biblio.Author{{Family: "Smith", Given: "John"}, {Family: "Jones", Given: "Kate"}, {Family: "Lee", Given: "Min-Jun"}},
		Year:    2020, Venue: "Nature Methods", Volume: "17", Number: "3", Pages: "45-67", DOI: "10.1038/s41592_020"}
	muller = &biblio.Ref{Key: "muller2019", Title: "Zellkerne und Färbung",
		Authors: []biblio.Author{{Family: "Müller", Given: "Jörg"}, {Family: "Ødegård", Given: "Åse"}},
		Year:    2019, Venue: "J. Cell Biol."}
	lee  = &biblio.Ref{Key: "lee2021", Title: "Counting cells", Authors: []biblio.Author{{Family: "Lee", Given: "Ann"}}, Year: 2021}
	who  = &biblio.Ref{Key: "who2016", Title: "Global report on diabetes", Authors: []biblio.Author{{Family: "World Health Organization"}}, Year: 2016, URL: "https://www.who.int/x"}
	anon = &biblio.Ref{Key: "anon2018", Title: "Cell counts in practice: a survey of laboratories", Year: 2018}
	kim  = &biblio.Ref{Key: "kim", Title: "Undated preprint", Authors: []biblio.Author{{Family: "Kim", Given: "H."}}}
)

func para(handle string, sents ...Sentence) Paragraph {
	return Paragraph{Handle: handle, Sentences: sents}
}

func sent(text string, cites ...Cite) Sentence { return Sentence{Text: text, Cites: cites} }

func verb(text string, cites ...Cite) Sentence {
	return Sentence{Text: text, Verbatim: true, Cites: cites}
}

func doc(r *biblio.Ref) Cite { return Cite{Ref: r} }

func page(r *biblio.Ref, p int) Cite { return Cite{Ref: r, Page: p} }

func note(n string) Cite { return Cite{Note: n} }

func one(p Paragraph) Manuscript {
	return Manuscript{Sections: []Section{{Paragraphs: []Paragraph{p}}}}
}

func TestParseStyle(t *testing.T) {
	for in, want := range map[string]Style{"numeric": Numeric, "Author-Year": AuthorYear, " none ": NoCitations} {
		got, err := ParseStyle(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	_, err := ParseStyle("apa")
	require.Error(t, err)
	assert.Equal(t, `unknown citation style "apa": use one of "numeric", "author-year", "none"`, err.Error())
}

func TestParseVerbatimMode(t *testing.T) {
	for in, want := range map[string]VerbatimMode{"quote": VerbatimQuote, "FLAG": VerbatimFlag, "refuse": VerbatimRefuse} {
		got, err := ParseVerbatimMode(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	_, err := ParseVerbatimMode("ignore")
	require.Error(t, err)
	assert.Equal(t, `unknown verbatim mode "ignore": use one of "quote", "flag", "refuse"`, err.Error())
}

func TestBadOptions(t *testing.T) {
	m := one(para("P1", sent("A.", doc(lee))))
	var c Citations
	_, err := c.Text(m.Sections[0].Paragraphs[0], Options{Style: "harvard"})
	require.ErrorContains(t, err, `unknown citation style "harvard"`)
	var b bytes.Buffer
	require.ErrorContains(t, WriteMarkdown(&b, m, "r.bib", Options{Verbatim: "maybe"}), `unknown verbatim mode "maybe"`)
	require.ErrorContains(t, WriteLaTeX(&b, m, "r.bib", Options{Style: "x"}), "unknown citation style")
	require.ErrorContains(t, WriteText(&b, m, Options{Style: "x"}), "unknown citation style")
	assert.Zero(t, b.Len(), "nothing written on error")
}

func TestTextStyles(t *testing.T) {
	tests := []struct {
		name  string
		style Style
		p     Paragraph
		want  string
	}{
		{"numeric one", Numeric, para("P1", sent("Counts rose by 12%.", doc(smith))),
			"Counts rose by 12% [1]."},
		{"numeric two", Numeric, para("P1", sent("Counts rose.", doc(smith), doc(muller))),
			"Counts rose [1, 2]."},
		{"numeric range sorted", Numeric, para("P1", sent("A.", doc(smith), doc(muller)), sent("B.", doc(lee), doc(muller), doc(smith))),
			"A [1, 2]. B [1–3]."},
		{"numeric duplicate cited once", Numeric, para("P1", sent("A.", page(smith, 1), page(smith, 2), doc(smith))),
			"A [1]."},
		{"numeric manual fact numbered", Numeric, para("P1", sent("Stored at −80 °C.", note("lab notebook 2024-03-02"), doc(smith))),
			"Stored at −80 °C [1, 2]."},
		{"author-year three authors", AuthorYear, para("P1", sent("Counts rose by 12%.", doc(smith))),
			"Counts rose by 12% (Smith et al., 2020)."},
		{"author-year two works", AuthorYear, para("P1", sent("Counts rose.", doc(muller), doc(lee))),
			"Counts rose (Müller and Ødegård, 2019; Lee, 2021)."},
		{"author-year organisation", AuthorYear, para("P1", sent("Diabetes is common.", doc(who))),
			"Diabetes is common (World Health Organization, 2016)."},
		{"author-year no authors: short title", AuthorYear, para("P1", sent("Surveys agree.", doc(anon))),
			"Surveys agree (“Cell counts in practice”, 2018)."},
		{"author-year no year", AuthorYear, para("P1", sent("Maybe.", doc(kim))),
			"Maybe (Kim, n.d.)."},
		{"author-year manual fact", AuthorYear, para("P1", sent("Stored at −80 °C.", doc(lee), note("lab notebook 2024-03-02"), note(" lab notebook\n2024-03-02 "))),
			"Stored at −80 °C (Lee, 2021; lab notebook 2024-03-02)."},
		{"author-year manual fact without note", AuthorYear, para("P1", sent("Stored.", note(""))),
			"Stored (unpublished data)."},
		{"none", NoCitations, para("P1", sent("Counts rose.", doc(smith), note("x"))),
			"Counts rose."},
		{"no final punctuation", Numeric, para("P1", sent("Counts rose", doc(smith))),
			"Counts rose [1]"},
		{"question and ellipsis", Numeric, para("P1", sent("Did counts rise?", doc(smith)), sent("They rose …", doc(smith))),
			"Did counts rise [1]? They rose [1]…"},
		{"only punctuation", Numeric, para("P1", sent("…", doc(smith))),
			"[1]…"},
		{"no cites", Numeric, para("P1", sent("Plain.")),
			"Plain."},
		{"white space collapsed, empty sentence skipped", Numeric, para("P1", sent("  Counts\n rose\tsharply. ", doc(smith)), sent("  "), sent("Then fell.")),
			"Counts rose sharply [1]. Then fell."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Citations
			got, err := c.Text(tt.p, Options{Style: tt.style})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNumberingAcrossParagraphs(t *testing.T) {
	p1 := para("P1", sent("A.", doc(muller)), sent("B.", note("field notes")))
	p2 := para("P2", sent("C.", doc(smith), doc(muller)), sent("D.", doc(lee)))
	m := Manuscript{Sections: []Section{{Paragraphs: []Paragraph{p1}}, {Heading: "Two", Paragraphs: []Paragraph{p2}}}}

	c := NewCitations(m)
	got1, err := c.Text(p1, Options{Style: Numeric})
	require.NoError(t, err)
	got2, err := c.Text(p2, Options{Style: Numeric})
	require.NoError(t, err)
	assert.Equal(t, "A [1]. B [2].", got1)
	assert.Equal(t, "C [1, 3]. D [4].", got2)
	assert.Equal(t, []string{
		"[1] Müller, J., Ødegård, Å. (2019). Zellkerne und Färbung. J. Cell Biol.",
		"[2] field notes",
		"[3] Smith, J., Jones, K., Lee, M.-J. (2020). Deep learning for cell counting. Nature Methods, 17(3), 45–67. https://doi.org/10.1038/s41592_020",
		"[4] Lee, A. (2021). Counting cells.",
	}, c.References(Numeric))
	assert.Equal(t, []string{
		"Lee, A. (2021). Counting cells.",
		"Müller, J., Ødegård, Å. (2019). Zellkerne und Färbung. J. Cell Biol.",
		"Smith, J., Jones, K., Lee, M.-J. (2020). Deep learning for cell counting. Nature Methods, 17(3), 45–67. https://doi.org/10.1038/s41592_020",
	}, c.References(AuthorYear))
	assert.Empty(t, c.References(NoCitations))

	// A paragraph rendered on its own, with a zero Citations, numbers
	// from 1.
	var fresh Citations
	got, err := fresh.Text(p2, Options{Style: Numeric})
	require.NoError(t, err)
	assert.Equal(t, "C [1, 2]. D [3].", got)
}

func TestDisambiguation(t *testing.T) {
	a := &biblio.Ref{Key: "smith2020a", Title: "Zebrafish", Authors: []biblio.Author{{Family: "Smith", Given: "J."}, {Family: "Roe", Given: "R."}, {Family: "Poe", Given: "P."}}, Year: 2020}
	b := &biblio.Ref{Key: "smith2020b", Title: "Axolotls", Authors: []biblio.Author{{Family: "Smith", Given: "J."}, {Family: "Doe", Given: "D."}, {Family: "Moe", Given: "M."}}, Year: 2020}
	c2 := &biblio.Ref{Key: "kim-b", Title: "Second", Authors: []biblio.Author{{Family: "Kim", Given: "H."}}}
	// The same work twice under one key is one work, not two.
	a2 := *a
	m := one(para("P1",
		sent("First.", doc(b)),
		sent("Second.", doc(a), doc(&a2)),
		sent("Third.", doc(kim), doc(c2)),
		sent("Fourth.", doc(lee)),
	))
	c := NewCitations(m)
	got, err := c.Text(m.Sections[0].Paragraphs[0], Options{Style: AuthorYear})
	require.NoError(t, err)
	assert.Equal(t, "First (Smith et al., 2020a). Second (Smith et al., 2020b). Third (Kim, n.d.-a; Kim, n.d.-b). Fourth (Lee, 2021).", got)
	assert.Equal(t, []string{
		"Kim, H. (n.d.-a). Undated preprint.",
		"Kim, H. (n.d.-b). Second.",
		"Lee, A. (2021). Counting cells.",
		"Smith, J., Doe, D., Moe, M. (2020a). Axolotls.",
		"Smith, J., Roe, R., Poe, P. (2020b). Zebrafish.",
	}, c.References(AuthorYear))
}

func TestSuffix(t *testing.T) {
	assert.Equal(t, "a", suffix("2020", 0))
	assert.Equal(t, "z", suffix("2020", 25))
	assert.Equal(t, "aa", suffix("2020", 26))
	assert.Equal(t, "-b", suffix("n.d.", 1))
}

func TestRefText(t *testing.T) {
	tests := []struct {
		name string
		ref  biblio.Ref
		want string
	}{
		{"full", *smith, "Smith, J., Jones, K., Lee, M.-J. (2020). Deep learning for cell counting. Nature Methods, 17(3), 45–67. https://doi.org/10.1038/s41592_020"},
		{"organisation and url", *who, "World Health Organization. (2016). Global report on diabetes. https://www.who.int/x"},
		{"no authors", *anon, "Cell counts in practice: a survey of laboratories. (2018)."},
		{"suffix, initials, publisher", biblio.Ref{Title: "Why?", Year: 1999, Publisher: "MIT Press",
			Authors: []biblio.Author{{Family: "King", Given: "Martin Luther", Suffix: "Jr."}, {Family: "de la Cruz", Given: "J.R."}}},
			"King, M. L., Jr., de la Cruz, J. R. (1999). Why? MIT Press."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, refText(&tt.ref, yearText(tt.ref.Year)))
		})
	}
}

func TestVerbatimModes(t *testing.T) {
	p := para("P7",
		sent("Counts rose.", doc(muller)),
		verb(`LDL-C was "markedly" reduced by 38% relative to placebo.`, page(smith, 3), page(smith, 3), doc(muller)),
	)
	tests := []struct {
		style Style
		mode  VerbatimMode
		want  string
	}{
		{AuthorYear, "", "Counts rose (Müller and Ødegård, 2019). “LDL-C was ‘markedly’ reduced by 38% relative to placebo” (Smith et al., 2020, p. 3; Müller and Ødegård, 2019)."},
		{Numeric, VerbatimQuote, "Counts rose [1]. “LDL-C was ‘markedly’ reduced by 38% relative to placebo” [1; 2, p. 3]."},
		{NoCitations, VerbatimQuote, "Counts rose. “LDL-C was ‘markedly’ reduced by 38% relative to placebo”."},
		{Numeric, VerbatimFlag, `Counts rose [1]. LDL-C was "markedly" reduced by 38% relative to placebo [1; 2, p. 3]. [verbatim]`},
		{AuthorYear, VerbatimFlag, `Counts rose (Müller and Ødegård, 2019). LDL-C was "markedly" reduced by 38% relative to placebo (Smith et al., 2020, p. 3; Müller and Ødegård, 2019). [verbatim]`},
	}
	for _, tt := range tests {
		t.Run(string(tt.style)+"/"+string(tt.mode), func(t *testing.T) {
			var c Citations
			got, err := c.Text(p, Options{Style: tt.style, Verbatim: tt.mode})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	t.Run("quote in markdown and latex", func(t *testing.T) {
		m := one(para("P7", verb("It works.", page(smith, 3))))
		var md, tex bytes.Buffer
		require.NoError(t, WriteMarkdown(&md, m, "refs.bib", Options{}))
		assert.Contains(t, md.String(), "\n“It works” [@smith2020, p. 3].\n")
		require.NoError(t, WriteLaTeX(&tex, m, "refs.bib", Options{}))
		assert.Contains(t, tex.String(), "\n``It works''~\\citep[p.~3]{smith2020}.\n")

		m = one(para("P7", verb("The authors'.", page(smith, 3), page(muller, 5))))
		tex.Reset()
		require.NoError(t, WriteLaTeX(&tex, m, "refs.bib", Options{Style: Numeric}))
		assert.Contains(t, tex.String(), "\n``The authors'{}''~\\citetext{\\citealp[p.~3]{smith2020}; \\citealp[p.~5]{muller2019}}.\n")
	})

	t.Run("flag in markdown and latex", func(t *testing.T) {
		m := one(para("P7", verb("It works.", page(smith, 3))))
		var md, tex bytes.Buffer
		require.NoError(t, WriteMarkdown(&md, m, "refs.bib", Options{Verbatim: VerbatimFlag}))
		assert.Contains(t, md.String(), "\nIt works [@smith2020, p. 3]. \\[verbatim\\]\n")
		require.NoError(t, WriteLaTeX(&tex, m, "refs.bib", Options{Verbatim: VerbatimFlag}))
		assert.Contains(t, tex.String(), "\nIt works~\\citep[p.~3]{smith2020}. [verbatim]\n")
	})

	t.Run("refuse", func(t *testing.T) {
		m := Manuscript{Sections: []Section{{Paragraphs: []Paragraph{para("P1", sent("Fine.")), p}}}}
		want := "paragraph P7, sentence 2 copies its source verbatim: rewrite it or export with --verbatim=quote"
		opts := Options{Verbatim: VerbatimRefuse}
		var c Citations
		_, err := c.Text(p, opts)
		var ve *VerbatimError
		require.True(t, errors.As(err, &ve), "%v", err)
		assert.Equal(t, VerbatimError{Paragraph: "P7", Sentence: 2}, *ve)
		assert.Equal(t, want, err.Error())

		var b bytes.Buffer
		require.EqualError(t, WriteText(&b, m, opts), want)
		require.EqualError(t, WriteMarkdown(&b, m, "refs.bib", opts), want)
		require.EqualError(t, WriteLaTeX(&b, m, "refs.bib", opts), want)
		assert.Zero(t, b.Len(), "nothing written when refused")

		// Without verbatim sentences, refuse renders as usual.
		require.NoError(t, WriteMarkdown(&b, one(para("P1", sent("Fine."))), "refs.bib", opts))
	})
}

func TestSplitFinal(t *testing.T) {
	for in, want := range map[string][2]string{
		"Rose by 12%.": {"Rose by 12%", "."},
		"Really?!":     {"Really", "?!"},
		"And so …":     {"And so", "…"},
		"No stop":      {"No stop", ""},
		"...":          {"", "..."},
		"":             {"", ""},
	} {
		body, punct := splitFinal(in)
		assert.Equal(t, want, [2]string{body, punct}, in)
	}
}

func TestRefs(t *testing.T) {
	dup := *smith // same key, another pointer: one work
	m := Manuscript{Sections: []Section{
		{Paragraphs: []Paragraph{para("P1", sent("A.", doc(muller), note("n"), doc(smith)))}},
		{Paragraphs: []Paragraph{para("P2", sent("B.", doc(&dup), doc(lee), doc(muller)))}},
	}}
	var keys []string
	for _, r := range m.Refs() {
		keys = append(keys, r.Key)
	}
	assert.Equal(t, []string{"muller2019", "smith2020", "lee2021"}, keys)
}

func TestMissingKey(t *testing.T) {
	m := one(para("P1", sent("A.", doc(&biblio.Ref{Title: "Keyless"}))))
	var b bytes.Buffer
	err := WriteMarkdown(&b, m, "refs.bib", Options{})
	var mk *KeyError
	require.True(t, errors.As(err, &mk), "%v", err)
	assert.Equal(t, `reference "Keyless" has no citation key: give it one in the bibliography`, err.Error())
	require.EqualError(t, WriteLaTeX(&b, m, "refs.bib", Options{}), err.Error())
	require.EqualError(t, WriteBibTeX(&b, m.Refs()), err.Error())
	assert.Zero(t, b.Len())

	// Terminal text needs no keys, nor does an export without citations.
	require.NoError(t, WriteText(&b, m, Options{}))
	require.NoError(t, WriteLaTeX(&b, m, "", Options{Style: NoCitations}))

	bad := one(para("P1", sent("A.", doc(&biblio.Ref{Key: "a b{", Title: "Spaced"}))))
	require.EqualError(t, WriteMarkdown(&b, bad, "refs.bib", Options{}),
		`reference "Spaced" has citation key "a b{", which BibTeX and Pandoc cannot use: use letters, digits and - _ : . / + only`)
}

func TestBibName(t *testing.T) {
	m := one(para("P1", sent("A.", doc(lee))))
	var b bytes.Buffer
	require.ErrorContains(t, WriteLaTeX(&b, m, "", Options{}), "no .bib file was named")
	require.ErrorContains(t, WriteLaTeX(&b, m, "my refs.bib", Options{}), `bibliography file name "my refs.bib"`)
	require.ErrorContains(t, WriteMarkdown(&b, m, "", Options{}), "no .bib file was named")
	require.NoError(t, WriteLaTeX(&b, m, "out/refs", Options{}))
	assert.Contains(t, b.String(), `\bibliography{out/refs}`)
}

func TestMarkdownEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, 12.5% (n = 3).", "plain text, 12.5% (n = 3)."},
		{"*bold* _it_ `code`", `\*bold\* \_it\_ \` + "`code\\`"},
		{"[link](http://x) ![img](y) [^1]", `\[link\](http://x) !\[img\](y) \[\^1\]`},
		{"<b>html</b> &amp; <!-- c -->", `\<b\>html\</b\> \&amp; \<!-\- c -\-\>`},
		{"@smith2020 [@key] email@x.org", `\@smith2020 \[\@key\] email\@x.org`},
		{`$x^2$ H~2~O \textbf{x} \(y\)`, `\$x\^2\$ H\~2\~O \\textbf\{x\} \\(y\\)`},
		{"a | b # c", `a \| b \# c`},
		{"a--b---c", `a-\-b-\-\-c`},
		{"café “quoted” α≤β", "café “quoted” α≤β"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, mdEscape(tt.in), tt.in)
	}
}

func TestPandocKey(t *testing.T) {
	for in, want := range map[string]string{
		"smith2020": "@smith2020", "Smith:2020.deep": "@Smith:2020.deep", "a+b/c-d": "@a+b/c-d", "_x": "@_x",
		"smith2020.": "@{smith2020.}", "-x": "@{-x}", ":x:": "@{:x:}",
	} {
		assert.Equal(t, want, pandocKey(in), in)
	}
}

func TestMarkdownLineStart(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1. Listlike", `1\. Listlike`},
		{"2020) began", `2020\) began`},
		{"(a) item", `\(a\) item`},
		{"iv. roman", `iv\. roman`},
		{"A. Smith wrote", `A\. Smith wrote`},
		{"- bullet", `\- bullet`},
		{"+ plus", `\+ plus`},
		{": definition", `\: definition`},
		{"% title", `\% title`},
		{"= setext", `\= setext`},
		{"Ordinary start.", "Ordinary start."},
		{"12.5% of cells", "12.5% of cells"},
		{"In 2020. It rose", "In 2020. It rose"},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, mdLineStart(tt.in), tt.in)
	}
}

func TestWriteMarkdown(t *testing.T) {
	m := Manuscript{
		Title: "Cells: *a* 50% & [review] --- yes",
		Sections: []Section{
			{Paragraphs: []Paragraph{para("P1",
				sent("# Not a heading: 50% & $5_2 #1 *x* <b> @smith.", doc(smith), doc(muller)),
				verb("Counts rose.", page(smith, 3)),
			)}},
			{Heading: "Methods & *Materials*", Paragraphs: []Paragraph{para("P2",
				sent("1. Samples were [frozen].", note("lab notebook [p. 3] *2024*"), doc(lee)),
			)}},
		},
	}
	var b bytes.Buffer
	require.NoError(t, WriteMarkdown(&b, m, "refs.bib", Options{Style: Numeric}))
	want := `---
title: 'Cells: \*a\* 50% \& \[review\] -\-\- yes'
bibliography: refs.bib
link-citations: true
---

\# Not a heading: 50% \& \$5\_2 \#1 \*x\* \<b\> \@smith [@smith2020; @muller2019]. “Counts rose” [@smith2020, p. 3].

## Methods \& \*Materials\*

1\. Samples were \[frozen\] [@lee2021].^[lab notebook \[p. 3\] \*2024\*]
`
	assert.Equal(t, want, b.String())

	b.Reset()
	require.NoError(t, WriteMarkdown(&b, m, "refs.bib", Options{Style: NoCitations}))
	assert.Equal(t, `---
title: 'Cells: \*a\* 50% \& \[review\] -\-\- yes'
---

\# Not a heading: 50% \& \$5\_2 \#1 \*x\* \<b\> \@smith. “Counts rose”.

## Methods \& \*Materials\*

1\. Samples were \[frozen\].
`, b.String())

	// A title YAML would misread is quoted.
	b.Reset()
	require.NoError(t, WriteMarkdown(&b, Manuscript{Title: "true"}, "refs.bib", Options{}))
	assert.Equal(t, "---\ntitle: \"true\"\n---\n", b.String())
	b.Reset()
	require.NoError(t, WriteMarkdown(&b, Manuscript{}, "refs.bib", Options{}))
	assert.Empty(t, b.String())
}

func TestTeXEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, 12.5 (n = 3).", "plain text, 12.5 (n = 3)."},
		{`50% & $5_2 #1`, `50\% \& \$5\_2 \#1`},
		{`\textbf{x} ^ ~ {}`, `\textbackslash{}textbf\{x\} \textasciicircum{} \textasciitilde{} \{\}`},
		{"`tick` a--b ''q'' ,,low << >>", `\textasciigrave{}tick\textasciigrave{} a-{}-b '{}'q'{}' ,{},low <{}< >{}>`},
		{"\\end{document}", `\textbackslash{}end\{document\}`},
		{"line\nbreak\ttab\x00nul\x1b", "line break tabnul"},
		{"Müller Ødegård ß – — “q” ‘s’ € ™ × ± µ ° ½", "Müller Ødegård ß – — “q” ‘s’ € ™ × ± µ ° ½"},
		{"α β Γ Ω Α ≤ ≥ ≈ ≠ − ∞", `$\alpha$ $\beta$ $\Gamma$ $\Omega$ A $\leq$ $\geq$ $\approx$ $\neq$ $-$ $\infty$`},
		{"m² CO₂ x⁻¹ 10⁶", `m² CO\textsubscript{2} x$^{-}$¹ 10\textsuperscript{6}`},
		{"wait… 5\u2009mm\u200b", `wait\ldots{} 5\,mm`},
		{"e\u0301 ǘ ﬃ Ａ", "é u ﬃ A"}, // composed, accent dropped, kept, width folded
		{"Привет 你 😀", "?????? ? ?"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, texEscape(tt.in, false), tt.in)
	}
	// In BibTeX braces must balance even when escaped.
	assert.Equal(t, `$\lbrace$a$\rbrace$ `, texEscape("{a} ", true))
	assert.Equal(t, `$\lbrace$x $\rbrace$$\rbrace$`, texEscape("{x }}", true))
}

func TestWriteLaTeX(t *testing.T) {
	m := Manuscript{
		Title: "Cells: 50% & $ more",
		Sections: []Section{
			{Paragraphs: []Paragraph{para("P1",
				sent("LDL-C fell by 50% & $5_2 #1.", doc(smith), doc(muller)),
				verb("Counts rose.", page(smith, 3)),
			)}},
			{Heading: "Methods & {Materials}", Paragraphs: []Paragraph{para("P2",
				sent("Stored at −80 °C.", note("lab notebook 50%"), doc(lee)),
			)}},
		},
	}
	var b bytes.Buffer
	require.NoError(t, WriteLaTeX(&b, m, "refs.bib", Options{Style: AuthorYear}))
	want := `\documentclass{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{textcomp}
% Scalable fonts for T1 when installed; else the (bitmap) EC fonts.
\IfFileExists{lmodern.sty}{\usepackage{lmodern}}{}
\usepackage{url}
\usepackage[authoryear,round]{natbib}

\title{Cells: 50\% \& \$ more}
\author{}
\date{}

\begin{document}
\maketitle

LDL-C fell by 50\% \& \$5\_2 \#1~\citep{smith2020,muller2019}. ` + "``Counts rose''" + `~\citep[p.~3]{smith2020}.

\section*{Methods \& \{Materials\}}

Stored at $-$80 °C~\citep{lee2021}.\footnote{lab notebook 50\%}

\bibliographystyle{plainnat}
\bibliography{refs}

\end{document}
`
	assert.Equal(t, want, b.String())

	b.Reset()
	require.NoError(t, WriteLaTeX(&b, m, "refs", Options{Style: Numeric}))
	assert.Contains(t, b.String(), "\\usepackage[numbers,sort&compress]{natbib}\n")
	assert.Contains(t, b.String(), "\\bibliographystyle{unsrtnat}\n\\bibliography{refs}\n")

	b.Reset()
	require.NoError(t, WriteLaTeX(&b, m, "refs.bib", Options{Style: NoCitations}))
	assert.NotContains(t, b.String(), "natbib")
	assert.NotContains(t, b.String(), `\bibliography`)
	assert.NotContains(t, b.String(), `\footnote`)
	assert.Contains(t, b.String(), "\nLDL-C fell by 50\\% \\& \\$5\\_2 \\#1. ``Counts rose''.\n")

	// Only manual facts: footnotes and no bibliography, which BibTeX
	// would fail on without a \citation.
	b.Reset()
	require.NoError(t, WriteLaTeX(&b, one(para("P1", sent("A.", note("n")))), "", Options{}))
	assert.Contains(t, b.String(), "\nA.\\footnote{n}\n")
	assert.NotContains(t, b.String(), `\bibliography`)
	assert.NotContains(t, b.String(), `\maketitle`)
}

func TestWriteBibTeX(t *testing.T) {
	refs := []biblio.Ref{
		*smith, *muller, *who, *anon,
		{Key: "conf1", Type: "InProceedings", Title: "A {braced} title_with & specials", Venue: "Proc. ICML",
			Authors: []biblio.Author{{Family: "King", Given: "Martin", Suffix: "Jr."}, {Family: "Barnes and Noble"}, {Family: "van der Berg", Given: "Jan"}, {Family: "Sand, Smith", Given: "A."}},
			Year:    2017, Pages: "1–10", DOI: " 10.1000/a b{c}"},
		{Key: "web", Type: "online", Title: "Datasheet", URL: "https://example.org/a_b#c%20d"},
		{Key: "muller2019", Title: "A duplicate key: the first wins"},
	}
	var b bytes.Buffer
	require.NoError(t, WriteBibTeX(&b, refs))
	want := `@misc{anon2018,
  title = {{Cell counts in practice: a survey of laboratories}},
  year = {2018},
}

@inproceedings{conf1,
  author = {King, Jr., Martin and {Barnes and Noble} and van der Berg, Jan and {Sand, Smith}, A.},
  title = {{A $\lbrace$braced$\rbrace$ title\_with \& specials}},
  booktitle = {Proc. ICML},
  year = {2017},
  pages = {1--10},
  doi = {10.1000/abc},
}

@article{muller2019,
  author = {Müller, Jörg and Ødegård, Åse},
  title = {{Zellkerne und Färbung}},
  journal = {J. Cell Biol.},
  year = {2019},
}

@article{smith2020,
  author = {Smith, John and Jones, Kate and Lee, Min-Jun},
  title = {{Deep learning for cell counting}},
  journal = {Nature Methods},
  year = {2020},
  volume = {17},
  number = {3},
  pages = {45--67},
  doi = {10.1038/s41592_020},
}

@misc{web,
  title = {{Datasheet}},
  url = {https://example.org/a_b#c%20d},
}

@misc{who2016,
  author = {{World Health Organization}},
  title = {{Global report on diabetes}},
  year = {2016},
  url = {https://www.who.int/x},
}
`
	assert.Equal(t, want, b.String())
	assert.Equal(t, strings.Count(want, "{"), strings.Count(want, "}"), "braces balance")

	b.Reset()
	require.NoError(t, WriteBibTeX(&b, nil))
	assert.Empty(t, b.String())
}

func TestBibPages(t *testing.T) {
	for in, want := range map[string]string{
		"45-67": "45--67", "45–67": "45--67", "45 -- 67": "45--67", "e12—e15": "e12--e15", "123": "123", "S1-S4, 7": "S1--S4, 7",
	} {
		assert.Equal(t, want, bibPages(in), in)
	}
}

// TestDeterministic renders the same manuscript many times: every writer
// must give the same bytes each time (no map order leaks out).
func TestDeterministic(t *testing.T) {
	a := &biblio.Ref{Key: "s1", Title: "One", Authors: []biblio.Author{{Family: "Smith"}}, Year: 2020}
	b := &biblio.Ref{Key: "s2", Title: "Two", Authors: []biblio.Author{{Family: "Smith"}}, Year: 2020}
	m := Manuscript{Title: "T", Sections: []Section{
		{Heading: "H1", Paragraphs: []Paragraph{para("P1", sent("A.", doc(b), doc(a), doc(smith), note("x"), note("y")), verb("B.", page(muller, 2), page(lee, 4)))}},
		{Heading: "H2", Paragraphs: []Paragraph{para("P2", sent("C.", doc(who), doc(anon), doc(kim), doc(a)))}},
	}}
	render := func() []byte {
		var out bytes.Buffer
		for _, s := range Styles {
			for _, v := range []VerbatimMode{VerbatimQuote, VerbatimFlag} {
				o := Options{Style: s, Verbatim: v}
				require.NoError(t, WriteText(&out, m, o))
				require.NoError(t, WriteMarkdown(&out, m, "refs.bib", o))
				require.NoError(t, WriteLaTeX(&out, m, "refs.bib", o))
			}
		}
		require.NoError(t, WriteBibTeX(&out, m.Refs()))
		return out.Bytes()
	}
	first := render()
	for range 20 {
		require.Equal(t, string(first), string(render()))
	}
}

func TestWriteText(t *testing.T) {
	m := Manuscript{Title: "Cells", Sections: []Section{
		{Paragraphs: []Paragraph{para("P1", sent("A.", doc(muller)), verb("B rose.", page(smith, 3)))}},
		{Heading: "Methods", Paragraphs: []Paragraph{para("P2", sent("C.", note("lab notebook")))}},
	}}
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, m, Options{Style: Numeric}))
	assert.Equal(t, `Cells

A [1]. “B rose” [2, p. 3].

Methods

C [3].

References

[1] Müller, J., Ødegård, Å. (2019). Zellkerne und Färbung. J. Cell Biol.
[2] Smith, J., Jones, K., Lee, M.-J. (2020). Deep learning for cell counting. Nature Methods, 17(3), 45–67. https://doi.org/10.1038/s41592_020
[3] lab notebook
`, b.String())

	b.Reset()
	require.NoError(t, WriteText(&b, m, Options{Style: NoCitations}))
	assert.Equal(t, "Cells\n\nA. “B rose”.\n\nMethods\n\nC.\n", b.String())
}
