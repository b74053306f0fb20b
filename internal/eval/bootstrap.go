package eval

import (
	"hash/fnv"
	"math/rand/v2"
	"sort"
)

// Bootstrap describes how the report's 95% intervals were drawn.
type Bootstrap struct {
	Resamples int     `json:"resamples"`
	Seed      uint64  `json:"seed"`
	Level     float64 `json:"level"`
	Method    string  `json:"method"`
}

// The bootstrap's settings. A fixed seed makes every interval the same on
// every run of the same figures.
const (
	BootstrapResamples = 2000
	BootstrapSeed      = 20260101
)

// BootstrapCI is the 95% percentile bootstrap interval of the rate k/n:
// the n items (k of them counting, e.g. supported items judged supported)
// are drawn with replacement BootstrapResamples times, and the interval is
// the 2.5th and 97.5th percentile of the resampled rates. The random
// numbers come from BootstrapSeed and stream (which names the figure, so
// that each interval is reproducible on its own, in any order of
// computation). With n = 0 it is [0, 0].
//
// Items are resampled, not suites or documents, so the interval reflects
// how few items there are, not how alike items of one paper are; and at
// k = 0 or k = n every resample has the same rate, so the interval is a
// point: 0 of 15 false supports gives [0, 0], though the rule of three
// puts the 95% upper bound of the true rate near 3/15 (docs/eval.md).
func BootstrapCI(k, n int, stream string) Interval {
	if n <= 0 {
		return Interval{0, 0}
	}
	h := fnv.New64a()
	h.Write([]byte(stream))
	rng := rand.New(rand.NewPCG(BootstrapSeed, h.Sum64()))
	rates := make([]float64, BootstrapResamples)
	for b := range rates {
		hits := 0
		for range n {
			if rng.IntN(n) < k {
				hits++
			}
		}
		rates[b] = float64(hits) / float64(n)
	}
	sort.Float64s(rates)
	lo := rates[int(0.025*float64(BootstrapResamples))]
	hi := rates[int(0.975*float64(BootstrapResamples))-1]
	return Interval{round(lo, 4), round(hi, 4)}
}
