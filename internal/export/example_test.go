package export_test

import (
	"fmt"
	"os"

	"github.com/opusblocks/opus/internal/biblio"
	"github.com/opusblocks/opus/internal/export"
)

// example is a small manuscript: one work cited twice (once for a
// verbatim sentence), a manual fact, text with LaTeX and Markdown
// specials.
func example() export.Manuscript {
	smith := &biblio.Ref{Key: "smith2020", Title: "Statins in practice", Year: 2020, Venue: "Lancet",
		Authors: []biblio.Author{{Family: "Smith", Given: "John"}, {Family: "Müller", Given: "Jörg"}, {Family: "Lee", Given: "Ann"}}}
	return export.Manuscript{
		Title: "LDL & statins",
		Sections: []export.Section{{Heading: "Results", Paragraphs: []export.Paragraph{{Handle: "P1", Sentences: []export.Sentence{
			{Text: "LDL-C fell by 38% (p < 0.001) in *all* arms.", Cites: []export.Cite{{Ref: smith}}},
			{Text: "The effect was consistent across all prespecified subgroups.", Verbatim: true, Cites: []export.Cite{{Ref: smith, Page: 3}}},
			{Text: "Samples were kept at −80 °C.", Cites: []export.Cite{{Note: "lab notebook 2024-03-02"}}},
		}}}}},
	}
}

func ExampleCitations_Text() {
	m := example()
	c := export.NewCitations(m)
	for _, style := range []export.Style{export.Numeric, export.AuthorYear} {
		text, err := c.Text(m.Sections[0].Paragraphs[0], export.Options{Style: style})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(text)
		for _, line := range c.References(style) {
			fmt.Println(line)
		}
	}
	// Output:
	// LDL-C fell by 38% (p < 0.001) in *all* arms [1]. “The effect was consistent across all prespecified subgroups” [1, p. 3]. Samples were kept at −80 °C [2].
	// [1] Smith, J., Müller, J., Lee, A. (2020). Statins in practice. Lancet.
	// [2] lab notebook 2024-03-02
	// LDL-C fell by 38% (p < 0.001) in *all* arms (Smith et al., 2020). “The effect was consistent across all prespecified subgroups” (Smith et al., 2020, p. 3). Samples were kept at −80 °C (lab notebook 2024-03-02).
	// Smith, J., Müller, J., Lee, A. (2020). Statins in practice. Lancet.
}

func ExampleWriteMarkdown() {
	if err := export.WriteMarkdown(os.Stdout, example(), "refs.bib", export.Options{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// ---
	// title: LDL \& statins
	// bibliography: refs.bib
	// link-citations: true
	// ---
	//
	// ## Results
	//
	// LDL-C fell by 38% (p \< 0.001) in \*all\* arms [@smith2020]. “The effect was consistent across all prespecified subgroups” [@smith2020, p. 3]. Samples were kept at −80 °C.^[lab notebook 2024-03-02]
}

func ExampleWriteLaTeX() {
	if err := export.WriteLaTeX(os.Stdout, example(), "refs.bib", export.Options{Style: export.Numeric}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// \documentclass{article}
	// \usepackage[utf8]{inputenc}
	// \usepackage[T1]{fontenc}
	// \usepackage{textcomp}
	// % Scalable fonts for T1 when installed; else the (bitmap) EC fonts.
	// \IfFileExists{lmodern.sty}{\usepackage{lmodern}}{}
	// \usepackage{url}
	// \usepackage[numbers,sort&compress]{natbib}
	//
	// \title{LDL \& statins}
	// \author{}
	// \date{}
	//
	// \begin{document}
	// \maketitle
	//
	// \section*{Results}
	//
	// LDL-C fell by 38\% (p < 0.001) in *all* arms~\citep{smith2020}. ``The effect was consistent across all prespecified subgroups''~\citep[p.~3]{smith2020}. Samples were kept at $-$80 °C.\footnote{lab notebook 2024-03-02}
	//
	// \bibliographystyle{unsrtnat}
	// \bibliography{refs}
	//
	// \end{document}
}

func ExampleWriteBibTeX() {
	if err := export.WriteBibTeX(os.Stdout, example().Refs()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// @article{smith2020,
	//   author = {Smith, John and Müller, Jörg and Lee, Ann},
	//   title = {{Statins in practice}},
	//   journal = {Lancet},
	//   year = {2020},
	// }
}
