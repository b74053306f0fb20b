package textnorm

import (
	_ "embed"
	"strings"
	"sync"
)

// synsetData is a subset of WordNet 3.0 (wordnet/LICENSE says which and
// how it was made): one synset a line, "pos lemma lemma ...".
//
//go:embed wordnet/synsets.txt
var synsetData string

var (
	synsetsOnce sync.Once
	synsetsOf   map[string][]int // word key → synsets
)

// Synonyms reports whether the words a and b (as written) share a sense in
// WordNet: their keys (Key) are two lemmas of one synset, as "approximately"
// and "about", or "decreased" and "fell". Different words only: a word is
// no synonym of itself. It knows nothing of context, so callers keep cue
// words (negations, hedges, quantifiers) and names out of it.
func Synonyms(a, b string) bool {
	synsetsOnce.Do(loadSynsets)
	ka, kb := Key(a), Key(b)
	if ka == kb {
		return false
	}
	for _, x := range synsetsOf[ka] {
		for _, y := range synsetsOf[kb] {
			if x == y {
				return true
			}
		}
	}
	return false
}

func loadSynsets() {
	synsetsOf = map[string][]int{}
	for n, line := range strings.Split(strings.TrimSpace(synsetData), "\n") {
		f := strings.Fields(line)
		for _, w := range f[1:] {
			k := Key(w)
			if l := synsetsOf[k]; len(l) == 0 || l[len(l)-1] != n {
				synsetsOf[k] = append(l, n)
			}
		}
	}
}
