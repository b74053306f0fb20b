package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
)

// Every command follows one shape (the gh pattern): newCmdX(f, runF) binds
// argv into an options struct and calls runF with it, or xRun when runF is
// nil. Tests pass a runF to check argv → options without a database.

// dispatch runs the command's run function, or the test's runF instead.
func dispatch[O any](c *cobra.Command, o *O, runF, run func(context.Context, *O) error) error {
	if runF != nil {
		run = runF
	}
	return run(c.Context(), o)
}

// examples indents example lines for cobra's Example field.
func examples(lines ...string) string {
	return "  " + strings.Join(lines, "\n  ")
}
