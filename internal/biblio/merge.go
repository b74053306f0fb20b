package biblio

import "slices"

// Merge returns base with every field that is set in over (non-empty
// string, non-zero year, non-empty author list) taken from over. Layering
// sources from least to most trusted, PDF info < first page < BibTeX <
// user edits, is a chain of Merge calls. The result shares no author slice
// with its arguments.
func Merge(base, over Ref) Ref {
	pick := func(b, o string) string {
		if o != "" {
			return o
		}
		return b
	}
	r := Ref{
		Key:       pick(base.Key, over.Key),
		Type:      pick(base.Type, over.Type),
		Title:     pick(base.Title, over.Title),
		Authors:   base.Authors,
		Year:      base.Year,
		Venue:     pick(base.Venue, over.Venue),
		Volume:    pick(base.Volume, over.Volume),
		Number:    pick(base.Number, over.Number),
		Pages:     pick(base.Pages, over.Pages),
		Publisher: pick(base.Publisher, over.Publisher),
		DOI:       pick(base.DOI, over.DOI),
		URL:       pick(base.URL, over.URL),
	}
	if len(over.Authors) > 0 {
		r.Authors = over.Authors
	}
	if over.Year != 0 {
		r.Year = over.Year
	}
	r.Authors = slices.Clone(r.Authors)
	return r
}
