package cli

import (
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/service"
)

// completionService opens the service for shell completion, but never
// creates a database the user does not have yet: completing must not
// leave a file behind.
func (f *Factory) completionService(c *cobra.Command) (*service.Service, error) {
	st, err := f.Settings(nil)
	if err != nil {
		return nil, err
	}
	if path, ok := strings.CutPrefix(st.dbURL(), "sqlite:"); ok {
		if _, err := os.Stat(path); err != nil {
			return nil, err
		}
	}
	return f.Service(c.Context())
}

// completeHandles completes the first argument with the handles of one
// kind (D, F, P, J or R) from the database, each with a short description.
func completeHandles(f *Factory, kind string) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		const none = cobra.ShellCompDirectiveNoFileComp
		if len(args) > 0 { // only the first argument is a handle
			return nil, none
		}
		if _, err := f.completionService(c); err != nil {
			return nil, none
		}
		svc, actor, err := f.Open(c.Context())
		if err != nil {
			return nil, none
		}
		ctx := c.Context()
		var out []cobra.Completion
		switch kind {
		case "D":
			docs, _ := svc.Documents(ctx, actor)
			for _, d := range docs {
				out = append(out, cobra.CompletionWithDesc(d.Handle, oneLine(d.Title)))
			}
		case "F":
			facts, _ := svc.Facts(ctx, actor, service.FactFilter{})
			for _, fact := range facts {
				out = append(out, cobra.CompletionWithDesc(fact.Handle, truncate(fact.Text, 60)))
			}
		case "P":
			ps, _ := svc.Paragraphs(ctx, actor)
			for _, p := range ps {
				out = append(out, cobra.CompletionWithDesc(p.Handle, p.State))
			}
		case "J":
			js, _ := svc.Jobs(ctx, actor, 100)
			for _, j := range js {
				out = append(out, cobra.CompletionWithDesc(j.Handle, j.Kind+" "+j.Target+" "+j.State))
			}
		case "R":
			rs, _ := svc.Runs(ctx, actor, service.RunFilter{Limit: 100})
			for _, r := range rs {
				out = append(out, cobra.CompletionWithDesc(r.Handle, r.Agent+" "+r.Job))
			}
		}
		return filterPrefix(out, toComplete), none
	}
}

// filterPrefix keeps the completions that start with what was typed,
// ignoring case (d1 completes D1).
func filterPrefix(cs []cobra.Completion, typed string) []cobra.Completion {
	var out []cobra.Completion
	for _, c := range cs {
		if strings.HasPrefix(strings.ToUpper(c), strings.ToUpper(typed)) {
			out = append(out, c)
		}
	}
	return out
}
