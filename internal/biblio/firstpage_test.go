package biblio

import (
	"strings"
	"testing"
)

// Invented first pages, laid out as text extraction gives them.
var (
	plainPage = `Kelp Forest Recovery after Marine Heatwaves
Amaru Quispe, Helga Sørensen and Li Na
Institute of Invented Ocean Studies, Example City
Abstract
Kelp forests recovered within three years at most sites we surveyed.`

	journalPage = `Invented Marine Letters (2016) 9, 113–127 (Printed in Nowhere) doi: 10.5555/IML20160042
Temperature thresholds for the
recruitment of giant kelp along
warming coastlines
Amaru QUISPE∗1, Helga SØRENSEN†1, Li NA‡ and Tomás QUIROGA∗
∗Department of Marine Biology, Example University, Example City
Abstract
We measured recruitment at twelve sites.`

	labelPage = `Example Publishing Corporation
Journal of Invented Rehabilitation
Volume 2015, Article ID 123456, 7 pages
http://dx.doi.org/10.5555/2015/123456
Original Article
Walking Programmes after Hip Surgery in Older Adults
Rosa Mamani, Tomás Quiroga, and Li Na
School of Invented Health, Example University, Example City
Correspondence should be addressed to Rosa Mamani; rosa@example.org
Received 3 May 2015; Accepted 9 July 2015
Copyright © 2015 Rosa Mamani et al. This is an open access article.
Objectives. We compared two programmes.`

	sidebarPage = `Submitted 2 March 2016
Accepted 9 May 2017
Published 5 June 2017
Corresponding author
Helga Sørensen,
helga@example.org
Academic editor
Marta Lindqvist
Additional Information and
Declarations can be found on
page 11
DOI 10.5555/peer.118
Copyright
2017 Quispe et al.
Distributed under
Creative Commons CC-BY 4.0
MOSSY: Mapping Of Spore Sizes in
Yet-unstudied bryophytes
Amaru Quispe1
, Helga Sørensen1
and Li Na2
1 Example Institute of Botany, Example City`

	capitalisedEndPage = `Journal of Invented Software
May 2007, Volume 18, Issue 3. http://www.example.org/jis/
MOSS: A Toolkit for Fitting Multi-way
Spectroscopic Measurements
Rosa M. Mamani
Example University
Abstract
MOSS fits models.`

	singleAuthorPage = `Probabilistic Models of Spore Dispersal
Helga Sørensen
Example University, Example City
helga@example.org
ABSTRACT
We model spores.`

	continuationPage = `Approximation Algorithms for Placing Data on
Parallel Disks
HELGA SØRENSEN
Department of Computer Science
Example University`

	capsPage = `arXiv:2101.01234v2 [q-bio.PE] 4 Feb 2021
IMPROVING DETECTION OF RARE MOSSES IN ALPINE
MEADOWS
AMARU QUISPE1, HELGA SØRENSEN2
Abstract. We improve detection.`

	noAuthorPage = `Mosses of the Example Valley: a Field Guide
This guide describes two hundred species of moss found in the valley.
It is meant for walkers.`

	abstractFirstPage = `Abstract
We studied mosses.
Rosa Mamani
Example University`

	emailAuthorsPage = `Computational Rationing: The Inverse Allocation Problem
Rosa Mamani rmamani@example.edu
Tomás Quiroga tquiroga@example.edu
Example University, Example City`

	labelBeforeShortTitle = `RESEARCH ARTICLE
Spore Counts
Rosa Mamani1, Tomás Quiroga2`
)

func TestFromFirstPage(t *testing.T) {
	tests := []struct {
		name string
		page string
		want Ref
	}{
		{"plain", plainPage, Ref{Title: "Kelp Forest Recovery after Marine Heatwaves"}},
		{"journal header, continued title, marked authors", journalPage,
			Ref{Title: "Temperature thresholds for the recruitment of giant kelp along warming coastlines",
				DOI: "10.5555/IML20160042", Year: 2016}},
		{"article-type label and dates", labelPage,
			Ref{Title: "Walking Programmes after Hip Surgery in Older Adults", DOI: "10.5555/2015/123456", Year: 2015}},
		{"side bar before the title", sidebarPage,
			Ref{Title: "MOSSY: Mapping Of Spore Sizes in Yet-unstudied bryophytes", DOI: "10.5555/peer.118", Year: 2017}},
		{"title ending in capitalised words", capitalisedEndPage,
			Ref{Title: "MOSS: A Toolkit for Fitting Multi-way Spectroscopic Measurements", Year: 2007}},
		{"single author", singleAuthorPage, Ref{Title: "Probabilistic Models of Spore Dispersal"}},
		{"a continued line is no author line", continuationPage,
			Ref{Title: "Approximation Algorithms for Placing Data on Parallel Disks"}},
		{"capitals and an arXiv stamp", capsPage,
			Ref{Title: "IMPROVING DETECTION OF RARE MOSSES IN ALPINE MEADOWS", Year: 2021}},
		{"no author line", noAuthorPage, Ref{}},
		{"abstract before any author", abstractFirstPage, Ref{}},
		{"authors with addresses", emailAuthorsPage, Ref{Title: "Computational Rationing: The Inverse Allocation Problem"}},
		{"too short to be sure", labelBeforeShortTitle, Ref{}},
		{"empty", "", Ref{}},
	}
	for _, tt := range tests {
		if got := FromFirstPage(tt.page); got.Title != tt.want.Title || got.DOI != tt.want.DOI || got.Year != tt.want.Year {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

func TestFirstPageYear(t *testing.T) {
	tests := []struct {
		name, text string
		want       int
	}{
		{"none", "Nothing dated here.", 0},
		{"published", "Published: 12 March 2019", 2019},
		{"published online", "Received: 1 May 2018 / Accepted: 3 June 2018 / Published online: 5 January 2019", 2019},
		{"available online", "Available online 5 July 2020", 2020},
		{"received and accepted", "Received 3 May 2018; Accepted 9 July 2018", 2018},
		{"submitted", "Submitted 2 March 2016", 2016},
		{"received after a label", "Article history:\nReceived 12 May 2019\nReceived in revised form 3 June 2019", 2019},
		{"accepted beats received", "Received 20 December 2017; Accepted 9 January 2018", 2018},
		{"copyright symbol", "Copyright © 2017 The Authors.", 2017},
		{"copyright with colon", "Copyright: © 2016 Mamani et al.", 2016},
		{"copyright next line", "Copyright\n2017 Quispe et al.", 2017},
		{"(c)", "(c) 2013 Example Press", 2013},
		{"© alone", "©2012 Example Society", 2012},
		{"c for ©", "Proceedings of the Invented Meeting, pages 1–9,\nc 2011 Association for Invented Studies", 2011},
		{"citation line", "Citation: Mamani R, Quiroga T (2016) Mosses. Invented Letters 3: e12.", 2016},
		{"journal header", "Invented Letters (2014) 12, 100–110", 2014},
		{"pages then year", "Z. Invented. 54 a, 272-273 (1999);\nreceived December 15, 1998", 1999},
		{"volume line", "May 2007, Volume 18, Issue 3.", 2007},
		{"vol then year", "Vol. 12 (2019) No. 4", 2019},
		{"arxiv stamp", "arXiv:2101.01234v2 [q-bio.PE] 4 Feb 2021", 2021},
		{"published beats copyright", "© 2015 Example Press\nPublished 2 January 2016", 2016},
		{"copyright beats received", "Received 1 June 2014\n© 2015 Example Press", 2015},
		{"running text does not count", "Results published in 1998 showed that mosses received 2001 visits.", 0},
		{"running text at a line start", "the results were\npublished in 1998 and\nreceived in 2001 by", 0},
		{"capitals", "RECEIVED 1 MAY 2011 / ACCEPTED 2 JUNE 2011", 2011},
		{"years out of range", "Copyright © 1850 and Published 2150", 0},
	}
	for _, tt := range tests {
		if got := firstPageYear(tt.text); got != tt.want {
			t.Errorf("%s: firstPageYear(%q) = %d, want %d", tt.name, tt.text, got, tt.want)
		}
	}
}

func TestIsBreakLine(t *testing.T) {
	breaks := []string{"", "Research Article", "RESEARCH ARTICLE", "Original Paper", "Notes", "Case Report",
		"http://www.example.org", "doi:10.5555/x", "jane@example.org", "Received 3 May 2015",
		"Volume 18, Issue 3", "January 2007", "Copyright © 2015", "Creative Commons CC-BY 4.0",
		"Journal of Invented Studies", "272", "arXiv:2101.01234v2 [q-bio.PE] 4 Feb 2021", "12/03/2019"}
	for _, l := range breaks {
		if !isBreakLine(l) {
			t.Errorf("isBreakLine(%q) = false", l)
		}
	}
	titles := []string{"Kelp Forest Recovery after Marine Heatwaves", "warming coastlines",
		"Research on Kelp Forests in the Southern Ocean", "A Review of Moss Dispersal"}
	for _, l := range titles {
		if isBreakLine(l) {
			t.Errorf("isBreakLine(%q) = true", l)
		}
	}
}

func TestIsHeading(t *testing.T) {
	for _, l := range []string{"Abstract", "ABSTRACT", "Abstract. We show", "Abstract—We show", "1 Introduction",
		"1. Introduction", "I. INTRODUCTION", "Keywords: moss", "Summary"} {
		if !isHeading(l) {
			t.Errorf("isHeading(%q) = false", l)
		}
	}
	for _, l := range []string{"Abstracts of the Invented Meeting", "Background subtraction for video",
		"Introduction to Mosses", "Kelp"} {
		if isHeading(l) {
			t.Errorf("isHeading(%q) = true", l)
		}
	}
}

func TestFromFirstPageNoPanic(t *testing.T) {
	for _, s := range []string{"\n\n\n", "and\nand\nand", strings.Repeat("A B\n", 100), "©", "10.5555/", "x\n-"} {
		_ = FromFirstPage(s)
	}
}
