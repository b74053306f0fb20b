package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/textnorm"
)

var (
	styleHeader = lipgloss.NewStyle().Bold(true)
	styleGood   = lipgloss.NewStyle().Foreground(lipgloss.Color("2"))
	styleBad    = lipgloss.NewStyle().Foreground(lipgloss.Color("1"))
	styleDim    = lipgloss.NewStyle().Faint(true)
	styleQuote  = lipgloss.NewStyle().Bold(true).Underline(true)
)

// table prints rows under a header, in columns two spaces apart. Widths
// are display widths (lipgloss.Width: colour codes count for nothing, wide
// characters for two), so styled cells align on a terminal as plain ones
// do in a pipe; text/tabwriter counted the colour codes.
func table(w io.Writer, header []string, rows [][]string) {
	styled := make([]string, len(header))
	for i, h := range header {
		styled[i] = styleHeader.Render(h)
	}
	all := append([][]string{styled}, rows...)
	widths := make([]int, len(header))
	for _, r := range all {
		for i, c := range r {
			widths[i] = max(widths[i], lipgloss.Width(c))
		}
	}
	var b strings.Builder
	for _, r := range all {
		var line strings.Builder
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-lipgloss.Width(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	fmt.Fprint(w, b.String())
}

// state colours a state word for humans.
func state(s string) string {
	switch s {
	case domain.ParaVerified, domain.JobSucceeded, domain.DocFactsReady, domain.VerdictSupported, domain.FactActive, domain.RunOK:
		return styleGood.Render(s)
	case domain.ParaRejected, domain.ParaFailed, domain.VerdictUnsupported, domain.RunInvalidOutput, domain.RunError, domain.ParaStale:
		return styleBad.Render(s)
	}
	return s
}

// safe makes a stored string safe to print on a terminal: line breaks and
// tabs become spaces, the hyphenation marks of PDF text are dropped, and
// every other control, format or invisible character is shown escaped
// (\u202E, \u0008) instead of acting on the terminal — a backspace must not
// erase a shown "not", nor an escape sequence hide or recolour text. Every
// stored string (titles, texts, quotes, reasons, errors, model names) goes
// through it on its way to a human; JSON output escapes by itself.
func safe(s string) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteByte(' ')
		case r == '\u00AD' || r == '\u0002' || r == '\uFFFE':
		case textnorm.Hidden(r):
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// safeLines is safe for multi-line text (model bodies): lines are kept.
func safeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = safe(l)
	}
	return strings.Join(lines, "\n")
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(safe(s)), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// kv prints "key: value" lines with the values aligned (display widths,
// as in table); empty values are left out.
func kv(w io.Writer, pairs ...string) {
	width := 0
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			width = max(width, lipgloss.Width(pairs[i])+1)
		}
	}
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		key := pairs[i] + ":"
		b.WriteString(styleDim.Render(key) + strings.Repeat(" ", width-lipgloss.Width(key)+2) + pairs[i+1] + "\n")
	}
	fmt.Fprint(w, b.String())
}

// plural writes "1 page", "2 pages".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// oneLine folds the line breaks of page text into spaces for display.
func oneLine(s string) string { return strings.Join(strings.Fields(safe(s)), " ") }
