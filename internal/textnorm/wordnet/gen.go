//go:build ignore

// gen writes synsets.txt from a WordNet 3.0 database (Debian's
// wordnet-base: /usr/share/wordnet): every synset with at least two
// one-word lemmas that each have a tagged occurrence in that sense
// (cntlist.rev), one synset a line, "pos lemma lemma ...". Satellite
// adjectives are left out. Run: go run gen.go [DIR] > synsets.txt
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	dir := "/usr/share/wordnet/"
	if len(os.Args) > 1 {
		dir = os.Args[1] + "/"
	}
	count := map[string]int{}
	for _, l := range lines(dir + "cntlist.rev") {
		if p := strings.Fields(l); len(p) == 3 {
			count[p[0]], _ = strconv.Atoi(p[2])
		}
	}
	num := map[string]string{"n": "1", "v": "2", "a": "3", "r": "4"}
	for _, file := range []string{"noun", "verb", "adj", "adv"} {
		for _, l := range lines(dir + "data." + file) {
			p := strings.Fields(l)
			if strings.HasPrefix(l, "  ") || len(p) < 4 || num[p[2]] == "" {
				continue
			}
			n, _ := strconv.ParseInt(p[3], 16, 32)
			var words []string
			for i := 0; i < int(n); i++ {
				w := strings.ToLower(p[4+2*i])
				for _, m := range []string{"(a)", "(p)", "(ip)"} {
					w = strings.TrimSuffix(w, m)
				}
				id, _ := strconv.ParseInt(p[5+2*i], 16, 32)
				key := fmt.Sprintf("%s%%%s:%s:%02d::", w, num[p[2]], p[1], id)
				if !strings.ContainsAny(w, "_-.'") && count[key] > 0 {
					words = append(words, w)
				}
			}
			if len(words) >= 2 {
				sort.Strings(words)
				fmt.Println(p[2] + " " + strings.Join(words, " "))
			}
		}
	}
}

func lines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
