package biblio

import (
	"reflect"
	"strings"
	"testing"
)

// A publisher's XMP packet, properties as elements and as attributes.
const publisherXMP = `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:prism="http://prismstandard.org/namespaces/basic/2.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    prism:doi="10.5555/kelp.2016.042"
    prism:publicationName="Journal of Invented Marine Science"
    prism:volume="9" prism:number="2"
    prism:startingPage="113" prism:endingPage="127"
    prism:coverDate="2016-04-01"
    xmp:CreateDate="2016-02-11T10:00:00Z">
   <dc:title><rdf:Alt>
     <rdf:li xml:lang="de">Seetangwälder im Wandel</rdf:li>
     <rdf:li xml:lang="x-default">Kelp Forests in Transition: A Decade of Surveys</rdf:li>
   </rdf:Alt></dc:title>
   <dc:creator><rdf:Seq>
     <rdf:li>Amaru Quispe</rdf:li>
     <rdf:li>Helga Sørensen</rdf:li>
   </rdf:Seq></dc:creator>
   <dc:publisher><rdf:Bag><rdf:li>Example Ocean Press</rdf:li></rdf:Bag></dc:publisher>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>` + "\x00\x00 padding the packet"

func TestFromPDFInfo(t *testing.T) {
	tests := []struct {
		name string
		info map[string]string
		xmp  string
		want Ref
	}{
		{"nothing", nil, "", Ref{}},
		{"info only", map[string]string{
			"Title": "Glacier Retreat and Meltwater Chemistry in the Andes", "Author": "Rosa Mamani, Tomás Quiroga",
			"CreationDate": "D:20190312101500+01'00'"},
			"", Ref{Title: "Glacier Retreat and Meltwater Chemistry in the Andes",
				Authors: []Author{{Family: "Mamani", Given: "Rosa"}, {Family: "Quiroga", Given: "Tomás"}}, Year: 2019}},
		{"keys in any case", map[string]string{"title": "Glacier Retreat and Meltwater Chemistry", "AUTHOR": "Rosa Mamani"},
			"", Ref{Title: "Glacier Retreat and Meltwater Chemistry", Authors: []Author{{Family: "Mamani", Given: "Rosa"}}}},
		{"publisher xmp", map[string]string{"Title": "untitled", "Author": "jdoe", "CreationDate": "D:20160210"},
			publisherXMP, Ref{Title: "Kelp Forests in Transition: A Decade of Surveys",
				Authors: []Author{{Family: "Quispe", Given: "Amaru"}, {Family: "Sørensen", Given: "Helga"}},
				Year:    2016, Venue: "Journal of Invented Marine Science", Volume: "9", Number: "2", Pages: "113–127",
				Publisher: "Example Ocean Press", DOI: "10.5555/kelp.2016.042"}},
		{"xmp wins over info", map[string]string{"Title": "Another Perfectly Good Title Here", "Author": "Other Person"},
			publisherXMP, Ref{Title: "Kelp Forests in Transition: A Decade of Surveys",
				Authors: []Author{{Family: "Quispe", Given: "Amaru"}, {Family: "Sørensen", Given: "Helga"}},
				Year:    2016, Venue: "Journal of Invented Marine Science", Volume: "9", Number: "2", Pages: "113–127",
				Publisher: "Example Ocean Press", DOI: "10.5555/kelp.2016.042"}},
		{"bad xmp title falls back to info", map[string]string{"Title": "Soil Crusts of Cold Deserts"},
			xmpWith(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Microsoft Word - crusts_v7.docx</rdf:li></rdf:Alt></dc:title>`),
			Ref{Title: "Soil Crusts of Cold Deserts"}},
		{"doi from identifier", nil, xmpWith(`<dc:identifier>doi:10.5555/ident.7</dc:identifier>`), Ref{DOI: "10.5555/ident.7"}},
		{"doi from subject", map[string]string{"Subject": "Invented Letters 3 (2011) 1-9. doi:10.5555/il.2011.1"}, "",
			Ref{DOI: "10.5555/il.2011.1"}},
		{"doi from keywords", map[string]string{"Keywords": "fungi; DOI 10.5555/kw.9; spores"}, "", Ref{DOI: "10.5555/kw.9"}},
		{"doi from info key", map[string]string{"doi": "10.5555/custom.1"}, "", Ref{DOI: "10.5555/custom.1"}},
		{"doi as title", map[string]string{"Title": "doi:10.5555/asTitle.3"}, "", Ref{DOI: "10.5555/asTitle.3"}},
		{"proceedings title is the venue", map[string]string{"Title": "Proceedings of the 3rd Invented Workshop on Lichens"}, "",
			Ref{Venue: "Proceedings of the 3rd Invented Workshop on Lichens"}},
		{"publication date beats creation date", nil,
			xmpWith(`<xmp:CreateDate>2021-01-05T09:00:00Z</xmp:CreateDate><prism:publicationDate>2020-12-30</prism:publicationDate>`),
			Ref{Year: 2020}},
		{"dc:date beats creation date", map[string]string{"CreationDate": "D:20220101"},
			xmpWith(`<dc:date><rdf:Seq><rdf:li>2019-06</rdf:li></rdf:Seq></dc:date>`), Ref{Year: 2019}},
		{"xmp creation date beats info", map[string]string{"CreationDate": "D:20220101"},
			xmpWith(`<xmp:CreateDate>2018-03-03T00:00:00Z</xmp:CreateDate>`), Ref{Year: 2018}},
		{"zero creation dates ignored", map[string]string{"CreationDate": "D:00000000020100Z"},
			xmpWith(`<xmp:CreateDate>0-00-00T02:01:00Z</xmp:CreateDate>`), Ref{}},
		{"epoch creation date ignored", map[string]string{"CreationDate": "D:19700101000000Z"}, "", Ref{}},
		{"page range", nil, xmpWith(`<prism:pageRange>45-60</prism:pageRange>`), Ref{Pages: "45–60"}},
		{"starting page only", nil, xmpWith(`<prism:startingPage>e1001</prism:startingPage>`), Ref{Pages: "e1001"}},
		{"broken xmp ignored", map[string]string{"Title": "Soil Crusts of Cold Deserts"},
			`<x:xmpmeta><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">Wrong Title From Broken Packet</dc:title><oops></rdf:RDF>`,
			Ref{Title: "Soil Crusts of Cold Deserts"}},
		{"truncated xmp ignored", nil, publisherXMP[:400], Ref{}},
		{"not xml", nil, "\x00\x01binary garbage", Ref{}},
		{"creators in one li", nil,
			xmpWith(`<dc:creator><rdf:Seq><rdf:li>Amaru Quispe, Helga Sørensen and Li Na</rdf:li></rdf:Seq></dc:creator>`),
			Ref{Authors: []Author{{Family: "Quispe", Given: "Amaru"}, {Family: "Sørensen", Given: "Helga"}, {Family: "Na", Given: "Li"}}}},
		{"creator not a person falls back to info", map[string]string{"Author": "Helga Sørensen"},
			xmpWith(`<dc:creator><rdf:Seq><rdf:li>Microsoft Office User</rdf:li></rdf:Seq></dc:creator>`),
			Ref{Authors: []Author{{Family: "Sørensen", Given: "Helga"}}}},
	}
	for _, tt := range tests {
		var xmp []byte
		if tt.xmp != "" {
			xmp = []byte(tt.xmp)
		}
		got := FromPDFInfo(tt.info, xmp)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

// xmpWith wraps properties in an XMP packet declaring the usual namespaces.
func xmpWith(props string) string {
	return `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"` +
		` xmlns:prism="http://prismstandard.org/namespaces/basic/3.0/">` + props +
		`</rdf:Description></rdf:RDF></x:xmpmeta>`
}

func TestCleanTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Glacier Retreat and Meltwater Chemistry", "Glacier Retreat and Meltwater Chemistry"},
		{"  Glacier   Retreat\n and Meltwater  ", "Glacier Retreat and Meltwater"},
		{"Photosynthesis", "Photosynthesis"},         // one long word
		{"Deep learning", "Deep learning"},           // two words, 12 letters
		{"Ice Ages Revisited", "Ice Ages Revisited"}, // three words
		{"Microsoft Word - Soil Crusts of Cold Deserts", "Soil Crusts of Cold Deserts"},
		{"Input/Output Scheduling in Storage Arrays", "Input/Output Scheduling in Storage Arrays"},
		// File names and paths.
		{"Microsoft Word - crusts_final_v7.docx", ""},
		{"Microsoft PowerPoint - talk.pptx", ""},
		{"manuscript.pdf", ""},
		{"packing-journal.dvi", ""},
		{"main.tex", ""},
		{"figure1.eps", ""},
		{"C:\\Users\\ana\\Desktop\\paper", ""},
		{"/home/ana/paper draft", ""},
		{"papers/final", ""},
		// Placeholders and codes.
		{"untitled", ""},
		{"Untitled-1", ""},
		{"Layout 1", ""},
		{"Document1", ""},
		{"Title", ""},
		{"(anonymous)", ""},
		{"doi:", ""},
		{"doi:10.5555/xyz.1", ""},
		{"PII: S0000-0000(00)00000-0", ""},
		{"JCB_201912045", ""},
		{"ms-2019-0123", ""},
		// Too short.
		{"Notes", ""},
		{"AI Today", ""},
		{"12-345-678", ""},
		{"", ""},
		{"\x00\x01", ""},
	}
	for _, tt := range tests {
		if got := cleanTitle(tt.in); got != tt.want {
			t.Errorf("cleanTitle(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPDFAuthors(t *testing.T) {
	tests := []struct {
		in   string
		want []Author
	}{
		{"", nil},
		{"Rosa Mamani", []Author{{Family: "Mamani", Given: "Rosa"}}},
		{"Rosa Mamani, Tomás Quiroga", []Author{{Family: "Mamani", Given: "Rosa"}, {Family: "Quiroga", Given: "Tomás"}}},
		{"Rosa Mamani; Tomás Quiroga", []Author{{Family: "Mamani", Given: "Rosa"}, {Family: "Quiroga", Given: "Tomás"}}},
		{"Rosa Mamani and Tomás Quiroga", []Author{{Family: "Mamani", Given: "Rosa"}, {Family: "Quiroga", Given: "Tomás"}}},
		{"Rosa Mamani & Tomás Quiroga", []Author{{Family: "Mamani", Given: "Rosa"}, {Family: "Quiroga", Given: "Tomás"}}},
		{"R. Mamani, T. Quiroga, and L. Na", []Author{{Family: "Mamani", Given: "R."}, {Family: "Quiroga", Given: "T."}, {Family: "Na", Given: "L."}}},
		{"Anneke van der Berg", []Author{{Family: "van der Berg", Given: "Anneke"}}},
		{"Robert Hale Jr.", []Author{{Family: "Hale", Given: "Robert", Suffix: "Jr."}}},
		{"Rosa Mamani {et al.}", []Author{{Family: "Mamani", Given: "Rosa"}}},
		{"Rosa Mamani et al", []Author{{Family: "Mamani", Given: "Rosa"}}},
		// Family, Given.
		{"Mamani, Rosa", []Author{{Family: "Mamani", Given: "Rosa"}}},
		{"Mamani, R.; Quiroga, T.", []Author{{Family: "Mamani", Given: "R."}, {Family: "Quiroga", Given: "T."}}},
		{"van der Berg, Anneke", []Author{{Family: "van der Berg", Given: "Anneke"}}},
		// Not people, or not all people: nothing.
		{"jdoe", nil},
		{"Administrator", nil},
		{"Microsoft Office User", nil},
		{"Example Society for Mosses", nil},
		{"Rosa Mamani, Example University Press", nil},
		{"Mamani, R., Quiroga, T.", nil}, // ambiguous
		{"user123", nil},
	}
	for _, tt := range tests {
		if got := pdfAuthors(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("pdfAuthors(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseXMPStopsAtRoot(t *testing.T) {
	x := parseXMP([]byte(xmpWith(`<dc:title><rdf:Alt><rdf:li>Kept Title Words</rdf:li></rdf:Alt></dc:title>`) + "</unbalanced> & <junk"))
	if got := x.first("dc:title"); got != "Kept Title Words" {
		t.Errorf("title %q; trailing junk after the packet should not matter", got)
	}
	if !strings.Contains(publisherXMP, "\x00") {
		t.Fatal("the publisher packet should end in padding")
	}
}
