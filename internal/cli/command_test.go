package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parse runs cmd on argv as the root would (global flags included) and
// returns its error; cmd's run function is the test's, so nothing is
// opened: no database, no config file, no model.
func parse(t *testing.T, f *Factory, cmd *cobra.Command, argv ...string) error {
	t.Helper()
	root := &cobra.Command{Use: "opus", SilenceErrors: true, SilenceUsage: true}
	root.PersistentFlags().StringVar(&f.DB, "db", "", "")
	root.PersistentFlags().StringVar(&f.Profile, "profile", "", "")
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(cmd)
	root.SetArgs(append([]string{cmd.Name()}, argv...))
	root.SetOut(&bytes.Buffer{})
	root.SetErr(&bytes.Buffer{})
	return root.ExecuteContext(context.Background())
}

// Each command binds its arguments and flags into its options; checked
// without a database by a run function that only records them.
func TestArgvToOptions(t *testing.T) {
	f := newFactory(Stdio{})
	t.Run("doc add", func(t *testing.T) {
		var got *docAddOptions
		cmd := newCmdDocAdd(f, func(_ context.Context, o *docAddOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "a.pdf", "b.md", "--jq", ".[].id"))
		assert.Equal(t, []string{"a.pdf", "b.md"}, got.Paths)
		assert.Equal(t, exportFlags{JQ: ".[].id"}, got.Export)
		assert.True(t, got.Export.enabled(), "--jq implies JSON")
	})
	t.Run("facts extract", func(t *testing.T) {
		var got *factsExtractOptions
		cmd := newCmdFactsExtract(f, func(_ context.Context, o *factsExtractOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "D2", "--detach", "--idempotency-key", "k1", "--model", "m", "--provider", "openai",
			"--base-url", "http://x/v1", "--no-cache", "--record", "c.jsonl", "--json"))
		assert.Equal(t, "D2", got.Handle)
		assert.Equal(t, jobFlags{Detach: true, IdempotencyKey: "k1"}, got.Job)
		assert.Equal(t, modelFlags{Provider: "openai", Model: "m", BaseURL: "http://x/v1", NoCache: true, Record: "c.jsonl"}, got.Model)
		assert.True(t, got.Export.JSON)
	})
	t.Run("facts search", func(t *testing.T) {
		var got *factsSearchOptions
		cmd := newCmdFactsSearch(f, func(_ context.Context, o *factsSearchOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "iron", "deficiency", "--all-words", "--limit", "5"))
		assert.Equal(t, factsSearchOptions{f: f, Query: "iron deficiency", Limit: 5, AllWords: true}, *got)
	})
	t.Run("facts list", func(t *testing.T) {
		var got *factsListOptions
		cmd := newCmdFactsList(f, func(_ context.Context, o *factsListOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "--doc", "D3", "--all", "--limit", "50", "--after", "F100"))
		assert.Equal(t, "D3", got.Doc)
		assert.True(t, got.Retracted)
		assert.Equal(t, 50, got.Limit)
		assert.Equal(t, "F100", got.After)
	})
	t.Run("facts add", func(t *testing.T) {
		var got *factsAddOptions
		cmd := newCmdFactsAdd(f, func(_ context.Context, o *factsAddOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "120 patients were randomised.", "--source", "registry", "--kind", "population"))
		assert.Equal(t, factsAddOptions{f: f, Text: "120 patients were randomised.", Source: "registry", Kind: "population"}, *got)
	})
	t.Run("para generate from stdin", func(t *testing.T) {
		var got *paraGenerateOptions
		cmd := newCmdParaGenerate(f, func(_ context.Context, o *paraGenerateOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "-", "--detach"))
		assert.Equal(t, "-", got.Spec)
		assert.True(t, got.Job.Detach)
		assert.Empty(t, got.Model)
	})
	t.Run("para edit", func(t *testing.T) {
		var got *paraEditOptions
		cmd := newCmdParaEdit(f, func(_ context.Context, o *paraEditOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "P4", "--file", "e.txt"))
		assert.Equal(t, "P4", got.Handle)
		assert.Equal(t, "e.txt", got.File)
	})
	t.Run("para show and trace", func(t *testing.T) {
		var show *paraShowOptions
		cmd := newCmdParaShow(f, func(_ context.Context, o *paraShowOptions) error { show = o; return nil })
		require.NoError(t, parse(t, f, cmd, "P2", "--diagnostics"))
		assert.Equal(t, "P2", show.Handle)
		assert.True(t, show.Diagnostics)
		var trace *paraTraceOptions
		cmd = newCmdParaTrace(f, func(_ context.Context, o *paraTraceOptions) error { trace = o; return nil })
		require.NoError(t, parse(t, f, cmd, "P2"))
		assert.False(t, trace.Diagnostics)
	})
	t.Run("runs list", func(t *testing.T) {
		var got *runsListOptions
		cmd := newCmdRunsList(f, func(_ context.Context, o *runsListOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "--job", "J2", "--agent", "verifier", "--limit", "3"))
		assert.Equal(t, "J2", got.Filter.Job)
		assert.Equal(t, "verifier", got.Filter.Agent)
		assert.Equal(t, 3, got.Filter.Limit)
	})
	t.Run("jobs retry", func(t *testing.T) {
		var got *jobsRetryOptions
		cmd := newCmdJobsRetry(f, func(_ context.Context, o *jobsRetryOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "J7", "--detach", "--model", "gpt-x"))
		assert.Equal(t, "J7", got.Handle)
		assert.True(t, got.Job.Detach)
		assert.Equal(t, "gpt-x", got.Model.Model)
	})
	t.Run("eval defaults to golden", func(t *testing.T) {
		var got *evalOptions
		cmd := newCmdEval(f, func(_ context.Context, o *evalOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "--gate", "--provider", "offline"))
		assert.Equal(t, []string{"golden"}, got.Paths)
		assert.True(t, got.Gate)
		assert.Equal(t, 8, got.Concurrency)
		assert.Equal(t, "offline", got.Model.Provider)
	})
	t.Run("config set", func(t *testing.T) {
		var got *configSetOptions
		cmd := newCmdConfigSet(f, func(_ context.Context, o *configSetOptions) error { got = o; return nil })
		require.NoError(t, parse(t, f, cmd, "jobs.workers", "4"))
		assert.Equal(t, "jobs.workers", got.Key)
		assert.Equal(t, "4", got.Value)
	})
	t.Run("global flags land in the factory", func(t *testing.T) {
		g := newFactory(Stdio{})
		cmd := newCmdDocList(g, func(context.Context, *docListOptions) error { return nil })
		require.NoError(t, parse(t, g, cmd, "--db", "sqlite:/tmp/x.db", "--profile", "thesis"))
		assert.Equal(t, "sqlite:/tmp/x.db", g.DB)
		assert.Equal(t, "thesis", g.Profile)
	})
	t.Run("usage errors never reach the run function", func(t *testing.T) {
		called := false
		for _, argv := range [][]string{{}, {"D1", "D2"}, {"D1", "--model", "m"}, {"D1", "--limti", "3"}} {
			cmd := newCmdDocShow(f, func(context.Context, *docShowOptions) error { called = true; return nil })
			err := parse(t, f, cmd, argv...)
			require.Error(t, err, "%q", argv)
			assert.Equal(t, 2, ExitCode(err), "%q: %v", argv, err)
			assert.Contains(t, err.Error(), "opus show --help")
		}
		assert.False(t, called)
	})
}

// walk calls fn on every command of the tree below (and with) c.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, s := range c.Commands() {
		walk(s, fn)
	}
}

// modelCommands are the commands that call a model (or say which one
// would be called): only they take the model flags.
var modelCommands = map[string]bool{
	"opus facts extract": true, "opus para generate": true, "opus para edit": true,
	"opus jobs retry": true, "opus jobs wait": true, "opus eval": true, "opus models": true,
	"opus serve": true, "opus worker": true, "opus para revert": true, "opus build": true,
}

// The shape every command must have: examples in its help, model flags
// only where a model is called, --jq wherever --json is.
func TestEveryCommandsShape(t *testing.T) {
	root := newCmdRoot(newFactory(Stdio{}))
	seen := 0
	walk(root, func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || strings.HasPrefix(c.CommandPath(), "opus completion") {
			return
		}
		seen++
		path := c.CommandPath()
		assert.NotEmpty(t, c.Example, "%s has no Example lines", path)
		for _, line := range strings.Split(c.Example, "\n") {
			assert.Contains(t, line, "opus ", "%s: example %q does not run opus", path, line)
		}
		hasModel := c.LocalFlags().Lookup("model") != nil
		assert.Equal(t, modelCommands[path], hasModel, "%s: --model flag present = %v", path, hasModel)
		for _, name := range []string{"provider", "base-url", "no-cache", "record", "cassette"} {
			assert.Equal(t, hasModel, c.Flags().Lookup(name) != nil, "%s: --%s goes with --model", path, name)
		}
		if c.Runnable() && c.HasParent() && !c.HasAvailableSubCommands() {
			assert.NotNil(t, c.Flags().Lookup("json"), "%s has no --json", path)
		}
		assert.Equal(t, c.Flags().Lookup("json") != nil, c.Flags().Lookup("jq") != nil, "%s: --jq goes with --json", path)
	})
	assert.Greater(t, seen, 35, "the walk saw the whole tree")

	gen, _, err := root.Find([]string{"para", "generate"})
	require.NoError(t, err)
	for _, field := range []string{"section", "intent", "facts", "must_use", "length", "style", "citations"} {
		assert.Contains(t, gen.Long, field, "para generate --help describes the spec field %s", field)
	}
}

// flagNames lists a flag set's names, for failure messages.
func flagNames(fs *pflag.FlagSet) []string {
	var out []string
	fs.VisitAll(func(fl *pflag.Flag) { out = append(out, fl.Name) })
	return out
}

func TestGlobalFlagsAreOnlyTheThree(t *testing.T) {
	root := newCmdRoot(newFactory(Stdio{}))
	assert.ElementsMatch(t, []string{"config", "db", "profile"}, flagNames(root.PersistentFlags()))
}
