package biblio

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// atMark stands for "@" inside field values while the BibTeX library parses
// them: its scanner refuses "@" in a braced value (see prepareBibTeX), BibTeX
// does not. A private-use code point, so real text does not contain it.
const atMark = '\uE040'

// maxLaTeXDepth bounds the nesting of command arguments the decoder follows
// (each level is one recursive call); deeper arguments are kept as plain
// text. Real fields nest two or three levels.
const maxLaTeXDepth = 32

// decodeLaTeX turns the LaTeX markup of a BibTeX field into plain UTF-8
// text: accents in all their forms ({\"o}, \"{o}, \"o, {\'\i}, \c{c}, \v s …)
// become composed letters, \ss, \o, \aa and friends their letters, escaped
// specials (\& \% \$ \_ \# \{ \}) themselves, -- and --- an en and an em
// dash, ~ a space, “ and ” curly quotes; protective braces and math shifts
// ($) are removed, formatting commands (\emph, \textbf, {\it …}) dropped
// with their text kept, and white space collapsed. An unknown command is
// dropped and its argument kept, which is right for the formatting
// commands titles use and harmless for the rest.
func decodeLaTeX(s string) string {
	if strings.ContainsAny(s, "\\{}$~-`'^_\n\t\r"+string(atMark)) {
		s = latexText(s, 0)
	}
	return collapseSpace(norm.NFC.String(s))
}

// latexText decodes s; depth counts the enclosing command arguments.
func latexText(s string, depth int) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '{', '}', '$', '^', '_':
			// Braces protect case and group; $ ^ _ are math shift, super-
			// and subscript: "H$_2$O" reads "H2O".
			i++
		case '~':
			b.WriteByte(' ')
			i++
		case '-':
			n := 1
			for i+n < len(s) && s[i+n] == '-' {
				n++
			}
			switch n {
			case 2:
				b.WriteString("–")
			case 3:
				b.WriteString("—")
			default:
				b.WriteString(s[i : i+n])
			}
			i += n
		case '`':
			if strings.HasPrefix(s[i:], "``") {
				b.WriteString("“")
				i += 2
			} else {
				b.WriteString("‘")
				i++
			}
		case '\'':
			if strings.HasPrefix(s[i:], "''") {
				b.WriteString("”")
				i += 2
			} else {
				b.WriteByte('\'')
				i++
			}
		case '\\':
			i = latexCommand(&b, s, i, depth)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == atMark {
				r = '@'
			}
			b.WriteRune(r)
			i += n
		}
	}
	return b.String()
}

// latexCommand decodes the command whose backslash is at s[i] and returns
// the index after it (and after its argument, if it takes one).
func latexCommand(b *strings.Builder, s string, i, depth int) int {
	name, j := commandName(s, i)
	if name == "" { // a lone backslash at the end
		return j
	}
	if mark, ok := accentMarks[name]; ok {
		arg, k := latexArg(s, j, depth)
		b.WriteString(applyAccent(name, mark, arg))
		return k
	}
	if r, ok := latexSymbols[name]; ok {
		b.WriteString(r)
		return j
	}
	switch {
	case dropArgCommands[name]:
		_, k := latexArg(s, j, depth)
		return k
	case name == "href": // \href{url}{text}: the text
		_, k := latexArg(s, j, depth)
		return k
	case len(name) == 1 && !isASCIILetter(name[0]):
		// An unknown control symbol (\| \* …): the character is more likely
		// meant than not.
		b.WriteString(name)
	}
	// Unknown control words (\emph, \textbf, \it, \url, \mbox …) vanish; the
	// main loop then reads their argument as ordinary text.
	return j
}

// commandName reads the command at s[i] (a backslash): a control word (run
// of letters, after which TeX skips white space) or a control symbol (one
// character). It returns the name and the index after it.
func commandName(s string, i int) (string, int) {
	j := i + 1
	if j >= len(s) {
		return "", j
	}
	if !isASCIILetter(s[j]) {
		_, n := utf8.DecodeRuneInString(s[j:])
		return s[j : j+n], j + n
	}
	k := j
	for k < len(s) && isASCIILetter(s[k]) {
		k++
	}
	name := s[j:k]
	for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
		k++
	}
	return name, k
}

// latexArg reads one macro argument at s[i] after optional white space: a
// braced group, a command (\i in {\'\i}), or one character. It returns the
// decoded argument and the index after it; a closing brace or the end of s
// is an empty argument and is not consumed.
func latexArg(s string, i, depth int) (string, int) {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	if i >= len(s) || s[i] == '}' {
		return "", i
	}
	switch s[i] {
	case '{':
		end := matchBrace(s, i)
		inner := s[i+1 : end]
		next := min(end+1, len(s))
		if depth >= maxLaTeXDepth {
			return strings.NewReplacer("{", "", "}", "", "\\", "").Replace(inner), next
		}
		return latexText(inner, depth+1), next
	case '\\':
		_, end := commandName(s, i)
		if depth >= maxLaTeXDepth {
			return "", end
		}
		var b strings.Builder
		end = latexCommand(&b, s, i, depth+1)
		return b.String(), end
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if r == atMark {
		r = '@'
	}
	return string(r), i + n
}

// matchBrace returns the index of the brace closing the one at s[i], or
// len(s) when it is not closed.
func matchBrace(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(s)
}

// applyAccent puts the combining mark on the first letter of arg; NFC (in
// decodeLaTeX) then composes the pair where Unicode has a composed letter.
// The dotless i and j of {\'\i} take the accent as i and j.
func applyAccent(name string, mark rune, arg string) string {
	if arg == "" {
		// \~{} is a tilde (as in URLs), \^{} a circumflex.
		if len(name) == 1 && !isASCIILetter(name[0]) {
			return name
		}
		return ""
	}
	r, n := utf8.DecodeRuneInString(arg)
	switch r {
	case 'ı':
		r = 'i'
	case 'ȷ':
		r = 'j'
	}
	return string(r) + string(mark) + arg[n:]
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// accentMarks maps accent commands to the combining marks they put on their
// argument (text accents, then their math-mode twins).
var accentMarks = map[string]rune{
	`"`: '\u0308', `'`: '\u0301', "`": '\u0300', "^": '\u0302', "~": '\u0303',
	"=": '\u0304', ".": '\u0307', "u": '\u0306', "v": '\u030C', "H": '\u030B',
	"c": '\u0327', "k": '\u0328', "r": '\u030A', "d": '\u0323', "b": '\u0331',
	"t": '\u0361', "G": '\u030F',
	"hat": '\u0302', "bar": '\u0304', "tilde": '\u0303', "dot": '\u0307',
	"ddot": '\u0308', "acute": '\u0301', "grave": '\u0300', "breve": '\u0306',
	"check": '\u030C', "vec": '\u20D7',
}

// dropArgCommands are commands whose argument is not text of the field.
var dropArgCommands = map[string]bool{
	"noopsort": true, "footnote": true, "thanks": true, "cite": true,
	"citep": true, "citet": true, "ref": true, "label": true, "index": true,
	"hspace": true, "vspace": true, "phantom": true, "hphantom": true,
	"vphantom": true, "color": true,
}

// latexSymbols maps commands that stand for text to that text.
var latexSymbols = map[string]string{
	// Letters.
	"ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
	"oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð",
	"DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
	// Escaped specials and spacing.
	"&": "&", "%": "%", "$": "$", "_": "_", "#": "#", "{": "{", "}": "}",
	"\\": " ", " ": " ", ",": " ", ";": " ", ":": " ", ">": " ", "!": "",
	"-": "", "/": "", "@": "", "quad": " ", "qquad": " ", "enspace": " ",
	"thinspace": " ", "newline": " ", "par": " ", "relax": "", "protect": "",
	// Text symbols.
	"textendash": "–", "textemdash": "—", "textquoteleft": "‘",
	"textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”",
	"guillemotleft": "«", "guillemotright": "»", "ldots": "…", "dots": "…",
	"textellipsis": "…", "textbackslash": "\\", "textasciitilde": "~",
	"textasciicircum": "^", "textunderscore": "_", "textbar": "|",
	"textless": "<", "textgreater": ">", "textbullet": "•",
	"textperiodcentered": "·", "textmu": "µ", "textdegree": "°", "degree": "°",
	"dag": "†", "ddag": "‡", "S": "§", "P": "¶", "copyright": "©",
	"textcopyright": "©", "textregistered": "®", "texttrademark": "™",
	"pounds": "£", "textsterling": "£", "euro": "€", "texteuro": "€",
	"LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX",
	// Math.
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
	"varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
	"iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
	"pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ",
	"varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ",
	"chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
	"Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
	"Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
	"pm": "±", "mp": "∓", "times": "×", "div": "÷", "cdot": "·", "leq": "≤",
	"le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
	"sim": "∼", "simeq": "≃", "equiv": "≡", "infty": "∞", "partial": "∂",
	"nabla": "∇", "rightarrow": "→", "to": "→", "leftarrow": "←",
	"leftrightarrow": "↔", "Rightarrow": "⇒", "uparrow": "↑",
	"downarrow": "↓", "circ": "∘", "prime": "′", "ell": "ℓ", "hbar": "ℏ",
	"sqrt": "√", "sum": "∑", "prod": "∏", "int": "∫", "in": "∈",
	"subset": "⊂", "cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃",
	"emptyset": "∅", "ast": "∗", "star": "⋆", "langle": "⟨", "rangle": "⟩",
}

// collapseSpace trims s and turns every run of white space into one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
