package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

// Usage errors are typed where they arise — bad flags, wrong arguments, an
// unknown command — as invalid input (exit 2) naming the command's help.
// Any other error that is not a domain error is a bug (exit 1).

// usageError is invalid input on the command line of c.
func usageError(c *cobra.Command, format string, args ...any) error {
	return domain.Errorf(domain.Invalid, "%s (see '%s --help')", fmt.Sprintf(format, args...), c.CommandPath())
}

// flagError types cobra's flag parsing errors (set on the root, inherited).
func flagError(c *cobra.Command, err error) error {
	return usageError(c, "%s", err.Error())
}

// exactArgs accepts exactly n arguments, and names them when it does not.
func exactArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) == n {
			return nil
		}
		if n == 0 && c.HasAvailableSubCommands() {
			return unknownSubcommand(c, args)
		}
		if n == 0 {
			return usageError(c, "%s takes no arguments, got %q", c.CommandPath(), strings.Join(args, " "))
		}
		return usageError(c, "%s takes %s, got %d", c.CommandPath(), plural(n, "argument"), len(args))
	}
}

// minArgs accepts at least n arguments.
func minArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) >= n {
			return nil
		}
		return usageError(c, "%s needs at least %s", c.CommandPath(), plural(n, "argument"))
	}
}

// unknownSubcommand is the error for arguments a command does not take:
// usually a mistyped subcommand, so it suggests the nearest ones.
func unknownSubcommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2
	}
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %s?", strings.Join(s, " or "))
	} else if c.HasAvailableSubCommands() {
		msg += "; commands: " + strings.Join(subcommandNames(c), ", ")
	}
	return usageError(c, "%s", msg)
}

func subcommandNames(c *cobra.Command) []string {
	var out []string
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			out = append(out, s.Name())
		}
	}
	return out
}

// groupCommand makes a command that only holds subcommands answer an
// unknown subcommand with a usage error rather than its help and exit 0: a
// script that mistypes 'opus para shwo' must notice. Without arguments it
// prints its help.
func groupCommand(c *cobra.Command) *cobra.Command {
	c.Args = func(cmd *cobra.Command, args []string) error { return unknownSubcommand(cmd, args) }
	if c.RunE == nil && c.Run == nil {
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	return c
}
