package export

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// WriteLaTeX writes m as a complete LaTeX document for pdflatex, BibTeX
// and natbib:
//
//	pdflatex x && bibtex x && pdflatex x && pdflatex x   (or latexmk -pdf x)
//
// bibName is the .bib file written with WriteBibTeX ("refs.bib" or "refs").
// Numeric citations are natbib's [numbers,sort&compress] with unsrtnat, so
// works are numbered in order of first citation as in the terminal;
// author-year citations are [authoryear,round] with plainnat. Works are
// cited with \citep{a,b}; verbatim sentences are quoted in TeX's quotation
// marks (two backquotes, two apostrophes) and cited with their pages,
// \citep[p.~3]{key}; manual facts become footnotes. With NoCitations there
// is neither natbib nor a bibliography.
//
// All text is escaped (see texEscape): the LaTeX specials, the ligatures
// of T1 ("--", "<<" …), and Unicode that pdflatex with T1 cannot typeset.
func WriteLaTeX(w io.Writer, m Manuscript, bibName string, opts Options) error {
	opts, err := opts.normalize()
	if err != nil {
		return err
	}
	bib := strings.TrimSuffix(bibName, ".bib")
	cites, err := citesWorks(m, opts, bib, "latex")
	if err != nil {
		return err
	}
	// BibTeX reads \bibliography's argument as a file name, verbatim.
	if opts.Style != NoCitations && strings.ContainsFunc(bib, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`\{}%#$&^~`, r)
	}) {
		return fmt.Errorf("latex: bibliography file name %q: BibTeX cannot read a name with spaces or any of \\ { } %% # $ & ^ ~", bibName)
	}

	var b bytes.Buffer
	b.WriteString(`\documentclass{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{textcomp}
% Scalable fonts for T1 when installed; else the (bitmap) EC fonts.
\IfFileExists{lmodern.sty}{\usepackage{lmodern}}{}
\usepackage{url}
`)
	switch opts.Style {
	case Numeric:
		b.WriteString("\\usepackage[numbers,sort&compress]{natbib}\n")
	case AuthorYear:
		b.WriteString("\\usepackage[authoryear,round]{natbib}\n")
	}
	title := texEscape(collapse(m.Title), false)
	if title != "" {
		b.WriteString("\n\\title{" + title + "}\n\\author{}\n\\date{}\n")
	}
	b.WriteString("\n\\begin{document}\n")
	if title != "" {
		b.WriteString("\\maketitle\n")
	}
	r := texRenderer{}
	for _, sec := range m.Sections {
		if h := collapse(sec.Heading); h != "" {
			b.WriteString("\n\\section*{" + texEscape(h, false) + "}\n")
		}
		for _, p := range sec.Paragraphs {
			text, err := paragraph(p, opts, r)
			if err != nil {
				return err
			}
			if text != "" {
				b.WriteString("\n" + text + "\n")
			}
		}
	}
	if cites {
		style := "plainnat"
		if opts.Style == Numeric {
			style = "unsrtnat" // numbered in order of citation, like Text
		}
		b.WriteString("\n\\bibliographystyle{" + style + "}\n\\bibliography{" + bib + "}\n")
	}
	b.WriteString("\n\\end{document}\n")
	_, err = w.Write(b.Bytes())
	return err
}

type texRenderer struct{}

func (texRenderer) escape(s string) string { return texEscape(s, false) }

func (texRenderer) quote(s string) string {
	if strings.HasSuffix(s, "'") {
		s += "{}" // or ' and the closing '' would merge into ”’
	}
	return "``" + s + "''"
}

func (texRenderer) flag() string { return FlagMarker }

func (texRenderer) cite(sc sentenceCites) (inline, after string) {
	pages := false
	for _, d := range sc.docs {
		pages = pages || d.page > 0
	}
	switch {
	case len(sc.docs) == 0:
	case !pages:
		keys := make([]string, len(sc.docs))
		for i, d := range sc.docs {
			keys[i] = d.ref.Key
		}
		inline = `~\citep{` + strings.Join(keys, ",") + "}"
	case len(sc.docs) == 1:
		inline = fmt.Sprintf(`~\citep[p.~%d]{%s}`, sc.docs[0].page, sc.docs[0].ref.Key)
	default:
		// \citep has one locator for all its keys; \citetext brackets
		// several \citealp, each with its own.
		parts := make([]string, len(sc.docs))
		for i, d := range sc.docs {
			parts[i] = `\citealp{` + d.ref.Key + "}"
			if d.page > 0 {
				parts[i] = fmt.Sprintf(`\citealp[p.~%d]{%s}`, d.page, d.ref.Key)
			}
		}
		inline = `~\citetext{` + strings.Join(parts, "; ") + "}"
	}
	if len(sc.notes) > 0 {
		after = `\footnote{` + texEscape(strings.Join(sc.notes, "; "), false) + "}"
	}
	return inline, after
}

// texEscape makes s literal LaTeX text for pdflatex with inputenc utf8 and
// fontenc T1 (and, with bib, literal inside a braced BibTeX field, where
// braces must balance even escaped, so they are written as math).
//
//   - The specials \ { } $ & # ^ _ % ~ are escaped, and a backquote is
//     \textasciigrave.
//   - Pairs that T1 turns into other characters (two hyphens, two
//     apostrophes, ",,", "<<", ">>") are broken with {}.
//   - Tabs and line breaks are spaces; other control characters, zero-width
//     characters and byte-order marks are dropped.
//   - Unicode that LaTeX's utf8 support typesets with T1 and textcomp
//     (Latin-1, Latin Extended-A, quotes, dashes, €, ™, arrows …) is kept
//     as it is: pdflatex reads it.
//   - Greek letters and common mathematical symbols (≤ ≥ ≈ ≠ − ∞ …) become
//     math ($\alpha$), super- and subscript digits \textsuperscript and
//     \textsubscript, … \ldots, spaces of other widths a space or \,.
//   - Anything else is decomposed (NFKD) and its accents dropped ("ǘ"
//     becomes "u", "ﬃ" "ffi"); what still cannot be typeset, such as
//     Cyrillic or CJK, becomes "?", because pdflatex would stop with
//     "Unicode character … not set up for use with LaTeX".
func texEscape(s string, bib bool) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range norm.NFC.String(s) {
		texRune(&b, r, prev, bib, true)
		prev = r
	}
	return b.String()
}

func texRune(b *strings.Builder, r, prev rune, bib, decompose bool) {
	switch {
	case r == '\\':
		b.WriteString(`\textbackslash{}`)
	case r == '{' && bib:
		b.WriteString(`$\lbrace$`)
	case r == '}' && bib:
		b.WriteString(`$\rbrace$`)
	case strings.ContainsRune("{}$&#_%", r):
		b.WriteString(`\` + string(r))
	case r == '^':
		b.WriteString(`\textasciicircum{}`)
	case r == '~':
		b.WriteString(`\textasciitilde{}`)
	case r == '`':
		b.WriteString(`\textasciigrave{}`)
	case r == '\t' || r == '\n' || r == '\r':
		b.WriteByte(' ')
	case r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0):
		// control characters: nothing to typeset
	case r < 0x80:
		if r == prev && strings.ContainsRune("-',<>", r) {
			b.WriteString("{}")
		}
		b.WriteRune(r)
	case unicode.Is(texSafe, r):
		b.WriteRune(r)
	default:
		if t, ok := texMap[r]; ok {
			b.WriteString(t)
			return
		}
		if !decompose {
			b.WriteByte('?')
			return
		}
		d := norm.NFKD.String(string(r))
		wrote := false
		for _, dr := range d {
			if unicode.Is(unicode.Mn, dr) {
				continue
			}
			texRune(b, dr, 0, bib, false)
			wrote = true
		}
		if !wrote {
			b.WriteByte('?')
		}
	}
}

// texSafe is the Unicode above ASCII that LaTeX's utf8 input encoding
// declares for T1 and TS1 (t1enc.dfu, ts1enc.dfu, TeX Live 2022) and that
// Computer Modern and Latin Modern have glyphs for.
var texSafe = &unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x00a0, Hi: 0x0125, Stride: 1},
	{Lo: 0x0128, Hi: 0x0137, Stride: 1},
	{Lo: 0x0139, Hi: 0x013e, Stride: 1},
	{Lo: 0x0141, Hi: 0x0148, Stride: 1},
	{Lo: 0x014a, Hi: 0x0165, Stride: 1},
	{Lo: 0x0168, Hi: 0x017e, Stride: 1},
	{Lo: 0x0192, Hi: 0x0192, Stride: 1},
	{Lo: 0x01c4, Hi: 0x01d4, Stride: 1},
	{Lo: 0x01e2, Hi: 0x01e3, Stride: 1},
	{Lo: 0x01e6, Hi: 0x01eb, Stride: 1},
	{Lo: 0x01f4, Hi: 0x01f5, Stride: 1},
	{Lo: 0x0218, Hi: 0x021b, Stride: 1},
	{Lo: 0x0232, Hi: 0x0233, Stride: 1},
	{Lo: 0x2010, Hi: 0x2016, Stride: 1},
	{Lo: 0x2018, Hi: 0x201a, Stride: 1},
	{Lo: 0x201c, Hi: 0x201e, Stride: 1},
	{Lo: 0x2020, Hi: 0x2022, Stride: 1},
	{Lo: 0x2030, Hi: 0x2031, Stride: 1},
	{Lo: 0x2039, Hi: 0x203a, Stride: 1},
	{Lo: 0x2044, Hi: 0x2044, Stride: 1},
	{Lo: 0x20ac, Hi: 0x20ac, Stride: 1},
	{Lo: 0x2103, Hi: 0x2103, Stride: 1},
	{Lo: 0x2116, Hi: 0x2116, Stride: 1},
	{Lo: 0x2122, Hi: 0x2122, Stride: 1},
	{Lo: 0x2126, Hi: 0x2126, Stride: 1},
	{Lo: 0x2190, Hi: 0x2193, Stride: 1},
	{Lo: 0x27e8, Hi: 0x27e9, Stride: 1},
	{Lo: 0xfb00, Hi: 0xfb04, Stride: 1},
}}

// texMap spells characters outside texSafe that scientific text uses.
var texMap = map[rune]string{
	// Greek: math italic lower case, upright capitals; capitals that look
	// Latin are Latin letters, as LaTeX has no commands for them.
	'α': `$\alpha$`, 'β': `$\beta$`, 'γ': `$\gamma$`, 'δ': `$\delta$`,
	'ε': `$\varepsilon$`, 'ϵ': `$\epsilon$`, 'ζ': `$\zeta$`, 'η': `$\eta$`,
	'θ': `$\theta$`, 'ϑ': `$\vartheta$`, 'ι': `$\iota$`, 'κ': `$\kappa$`,
	'λ': `$\lambda$`, 'μ': `$\mu$`, 'ν': `$\nu$`, 'ξ': `$\xi$`, 'ο': `o`,
	'π': `$\pi$`, 'ϖ': `$\varpi$`, 'ρ': `$\rho$`, 'ϱ': `$\varrho$`,
	'σ': `$\sigma$`, 'ς': `$\varsigma$`, 'τ': `$\tau$`, 'υ': `$\upsilon$`,
	'φ': `$\varphi$`, 'ϕ': `$\phi$`, 'χ': `$\chi$`, 'ψ': `$\psi$`,
	'ω': `$\omega$`,
	'Γ': `$\Gamma$`, 'Δ': `$\Delta$`, 'Θ': `$\Theta$`, 'Λ': `$\Lambda$`,
	'Ξ': `$\Xi$`, 'Π': `$\Pi$`, 'Σ': `$\Sigma$`, 'Υ': `$\Upsilon$`,
	'Φ': `$\Phi$`, 'Ψ': `$\Psi$`, 'Ω': `$\Omega$`,
	'Α': "A", 'Β': "B", 'Ε': "E", 'Ζ': "Z", 'Η': "H", 'Ι': "I", 'Κ': "K",
	'Μ': "M", 'Ν': "N", 'Ο': "O", 'Ρ': "P", 'Τ': "T", 'Χ': "X",

	// Mathematics.
	'−': `$-$`, '∓': `$\mp$`, '⋅': `$\cdot$`, '∙': `$\bullet$`, '∗': `$\ast$`,
	'≤': `$\leq$`, '≥': `$\geq$`, '⩽': `$\leq$`, '⩾': `$\geq$`,
	'≠': `$\neq$`, '≈': `$\approx$`, '∼': `$\sim$`, '≃': `$\simeq$`,
	'≅': `$\cong$`, '≡': `$\equiv$`, '∝': `$\propto$`, '≪': `$\ll$`,
	'≫': `$\gg$`, '∞': `$\infty$`, '∑': `$\sum$`, '∏': `$\prod$`,
	'∫': `$\int$`, '√': `$\surd$`, '∂': `$\partial$`, '∇': `$\nabla$`,
	'∆': `$\Delta$`, '∈': `$\in$`, '∉': `$\notin$`, '∋': `$\ni$`,
	'⊂': `$\subset$`, '⊃': `$\supset$`, '⊆': `$\subseteq$`,
	'⊇': `$\supseteq$`, '∩': `$\cap$`, '∪': `$\cup$`, '∧': `$\wedge$`,
	'∨': `$\vee$`, '∀': `$\forall$`, '∃': `$\exists$`, '∅': `$\emptyset$`,
	'⊥': `$\perp$`, '∥': `$\parallel$`, '∣': `$\mid$`, '∠': `$\angle$`,
	'∘': `$\circ$`, '◦': `$\circ$`, 'ℓ': `$\ell$`, 'ℏ': `$\hbar$`,
	'↔': `$\leftrightarrow$`, '⇒': `$\Rightarrow$`, '⇐': `$\Leftarrow$`,
	'⇔': `$\Leftrightarrow$`, '′': `$^{\prime}$`, '″': `$^{\prime\prime}$`,
	'‴': `$^{\prime\prime\prime}$`, '⋯': `$\cdots$`, '∶': ":",

	// Super- and subscripts, which NFKD would flatten (m² is not m2).
	'⁰': `\textsuperscript{0}`, 'ⁱ': `\textsuperscript{i}`,
	'⁴': `\textsuperscript{4}`, '⁵': `\textsuperscript{5}`,
	'⁶': `\textsuperscript{6}`, '⁷': `\textsuperscript{7}`,
	'⁸': `\textsuperscript{8}`, '⁹': `\textsuperscript{9}`,
	'⁺': `$^{+}$`, '⁻': `$^{-}$`, '⁼': `$^{=}$`, '⁽': `$^{(}$`, '⁾': `$^{)}$`,
	'ⁿ': `\textsuperscript{n}`,
	'₀': `\textsubscript{0}`, '₁': `\textsubscript{1}`, '₂': `\textsubscript{2}`,
	'₃': `\textsubscript{3}`, '₄': `\textsubscript{4}`, '₅': `\textsubscript{5}`,
	'₆': `\textsubscript{6}`, '₇': `\textsubscript{7}`, '₈': `\textsubscript{8}`,
	'₉': `\textsubscript{9}`, '₊': `$_{+}$`, '₋': `$_{-}$`, '₌': `$_{=}$`,
	'₍': `$_{(}$`, '₎': `$_{)}$`,

	// Punctuation and spaces.
	'…': `\ldots{}`, '‛': "‘", '‟': "“",
	'\u2000': " ", '\u2001': " ", '\u2002': " ", '\u2003': " ", '\u2004': " ",
	'\u2005': " ", '\u2006': " ", '\u2007': "~", '\u2008': " ", '\u205f': " ",
	'\u2009': `\,`, '\u200a': `\,`, '\u202f': `\,`,
	'\u200b': "", '\u200c': "", '\u200d': "", '\u2060': "", '\ufeff': "",
	'\u2028': " ", '\u2029': " ",
}
