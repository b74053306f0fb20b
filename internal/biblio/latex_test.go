package biblio

import "testing"

func TestDecodeLaTeX(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"  spaced \n\t out  ", "spaced out"},
		// Accents in every usual form.
		{`Schr{\"o}dinger`, "Schrödinger"},
		{`Schr\"{o}dinger`, "Schrödinger"},
		{`Schr\"odinger`, "Schrödinger"},
		{`Schr\" odinger`, "Schrödinger"},
		{`{\"O}zt{\"u}rk`, "Öztürk"},
		{`Caf\'e`, "Café"},
		{`caf{\'e}`, "café"},
		{`Mar{\'\i}a`, "María"},
		{`Mar\'{\i}a`, "María"},
		{`na\"{\i}ve`, "naïve"},
		{`Fran\c{c}ois`, "François"},
		{`Fran\c cois`, "François"},
		{`{\c{C}}elik`, "Çelik"},
		{`\v{S}koda and \v{c}evap`, "Škoda and čevap"},
		{`\v Skoda`, "Škoda"},
		{`Espa\~na`, "España"},
		{`Espa{\~n}a`, "España"},
		{`Gau{\ss}`, "Gauß"},
		{`Gau\ss{}`, "Gauß"},
		{`{\o}stergaard`, "østergaard"},
		{`{\O}rsted`, "Ørsted"},
		{`\aa{}kesson`, "åkesson"},
		{`{\AA}ngstr{\"o}m`, "Ångström"},
		{`\AE{}sir and {\ae}gis`, "Æsir and ægis"},
		{`{\L}{\'o}d{\'z}`, "Łódź"},
		{`Pu\l{}awy`, "Puławy"},
		{`Erd\H{o}s`, "Erdős"},
		{`\k{a}`, "ą"},
		{`\r{u}`, "ů"},
		{`\u{g}`, "ğ"},
		{`\.{Z}ory`, "Żory"},
		{`\={a}`, "ā"},
		{`\^{e}tre and \^etre`, "être and être"},
		{"\\`a la carte", "à la carte"},
		{`\d{s}`, "ṣ"},
		// Specials, dashes, quotes, ties.
		{`Smith \& Sons`, "Smith & Sons"},
		{`50\% more`, "50% more"},
		{`\$5`, "$5"},
		{`snake\_case`, "snake_case"},
		{`\#1 \{x\}`, "#1 {x}"},
		{`pages 1--10`, "pages 1–10"},
		{`yes---no`, "yes—no"},
		{`a-b`, "a-b"},
		{`----`, "----"},
		{`Fig.~3`, "Fig. 3"},
		{"``quoted''", "“quoted”"},
		{"`single'", "‘single'"},
		{`it's`, "it's"},
		// Braces, formatting, math.
		{`{{DNA}} Repair in {E. coli}`, "DNA Repair in E. coli"},
		{`The \emph{in vivo} case`, "The in vivo case"},
		{`{\em emphasised} and {\bf bold}`, "emphasised and bold"},
		{`\textbf{Bold} \textit{it} \textsc{Caps}`, "Bold it Caps"},
		{`H$_2$O and CO$_2$`, "H2O and CO2"},
		{`$\beta$-catenin`, "β-catenin"},
		{`$\alpha$ and $\Omega$`, "α and Ω"},
		{`$^{13}$C NMR`, "13C NMR"},
		{`x $\times$ y $\leq$ z`, "x × y ≤ z"},
		{`\href{https://example.org}{the site}`, "the site"},
		{`\url{https://example.org/a}`, "https://example.org/a"},
		{`{\noopsort{b}}Title`, "Title"},
		{`Text\footnote{a note} here`, "Text here"},
		{`A\\B`, "A B"},
		{`\LaTeX{} tips`, "LaTeX tips"},
		{`hy\-phen`, "hyphen"},
		{`10\,000 cells`, "10 000 cells"},
		{`\~{}user`, "~user"},
		{`\unknowncommand{kept}`, "kept"},
		{`\| bar`, "| bar"},
		// Malformed markup degrades, it does not fail.
		{`trailing \`, "trailing"},
		{`{unclosed`, "unclosed"},
		{`\"{unclosed`, "ünclosed"},
		{`closed}}`, "closed"},
		{`\'`, "'"},
		{`\c{}`, ""},
		{"at\uE040mark", "at@mark"},
		// Decomposed input comes out composed.
		{"Mu\u0308ller", "Müller"},
	}
	for _, tt := range tests {
		if got := decodeLaTeX(tt.in); got != tt.want {
			t.Errorf("decodeLaTeX(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecodeLaTeXDeepNesting(t *testing.T) {
	s := ""
	for range 200 {
		s += `\"{`
	}
	s += "o"
	for range 200 {
		s += "}"
	}
	if got := decodeLaTeX(s); got == "" {
		t.Errorf("deeply nested accents decoded to nothing")
	}
}
