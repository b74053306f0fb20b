// Package biblio reads bibliographic metadata: from BibTeX and CSL-JSON
// files (the reference managers researchers use), from a PDF's info
// dictionary and XMP, and from its first pages. It only reads; rendering
// citations and writing .bib files is package export's.
package biblio

// Author is one person (or, with Given empty, one organisation) named in a
// reference.
type Author struct {
	Family string `json:"family"`
	Given  string `json:"given,omitempty"`
	// Suffix is a generational suffix such as "Jr." or "III" (BibTeX's
	// "Family, Jr, Given"; CSL's suffix). Kept apart so that it is not taken
	// for part of the family name, which citation keys and sorting use.
	Suffix string `json:"suffix,omitempty"`
}

// Ref is one document's bibliographic metadata, with LaTeX markup decoded to
// plain UTF-8 text. Zero fields are unknown.
type Ref struct {
	Key       string   `json:"key,omitempty"`  // citation key, e.g. "smith2020deep"
	Type      string   `json:"type,omitempty"` // BibTeX entry type: article, inproceedings, book, misc …
	Title     string   `json:"title,omitempty"`
	Authors   []Author `json:"authors,omitempty"`
	Year      int      `json:"year,omitempty"`
	Venue     string   `json:"venue,omitempty"` // journal, or proceedings/book title
	Volume    string   `json:"volume,omitempty"`
	Number    string   `json:"number,omitempty"`
	Pages     string   `json:"pages,omitempty"`
	Publisher string   `json:"publisher,omitempty"`
	DOI       string   `json:"doi,omitempty"` // bare, "10.1234/x", no resolver prefix
	URL       string   `json:"url,omitempty"`
}

// Entry is one record of a reference manager's export: its metadata and
// the files (PDFs) it links, as written in the file (relative paths are
// relative to the exported file's directory).
type Entry struct {
	Ref   Ref
	Files []string
}
