package contract

import "github.com/opusblocks/opus/internal/schemaerr"

// Problem is one thing wrong with an output: where (a JSON pointer, "" for
// the whole output) and what.
type Problem = schemaerr.Problem
