package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

func (a *app) factsCmd() *cobra.Command {
	c := &cobra.Command{Use: "facts", Short: "Extract, list, search, add and retract facts"}
	extract := &cobra.Command{
		Use:   "extract D1",
		Short: "Extract anchored facts from a document (a job; waits unless --detach)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := a.openForModel(ctx); err != nil {
				return err
			}
			j, err := a.svc.ExtractFacts(ctx, a.actor, args[0], service.JobOptions{IdempotencyKey: a.idemKey})
			if err != nil {
				return err
			}
			j, err = a.finishJob(ctx, j, "extracting "+args[0])
			if err != nil {
				return err
			}
			if a.detach {
				return a.printJob(j)
			}
			d, err := a.svc.Document(ctx, a.actor, j.Target)
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(map[string]any{"job": j, "document": d})
			}
			fmt.Fprintf(a.io.Out, "%s: %d active facts (job %s)\n", d.Handle, d.ActiveFacts, j.Handle)
			return nil
		},
	}
	a.jobFlags(extract)

	var doc string
	var retracted bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List active facts",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			fs, err := a.svc.Facts(cmd.Context(), a.actor, service.FactFilter{Doc: doc, Retracted: retracted})
			if err != nil {
				return err
			}
			return a.printFacts(fs)
		},
	}
	list.Flags().StringVar(&doc, "doc", "", "only facts of this document (e.g. D1)")
	list.Flags().BoolVar(&retracted, "all", false, "include retracted facts")

	show := &cobra.Command{
		Use:   "show F3",
		Short: "Show a fact with its quote, page and document",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			f, err := a.svc.Fact(cmd.Context(), a.actor, args[0])
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(f)
			}
			page := ""
			if f.Page != nil {
				page = strconv.Itoa(*f.Page)
			}
			kv(a.io.Out, "id", f.Handle, "text", safe(f.Text), "kind", f.Kind, "state", state(f.State), "origin", f.Origin,
				"document", f.DocHandle, "page", page, "quote", oneLine(deref(f.Quote)), "source", safe(deref(f.SourceNote)))
			return nil
		},
	}

	var limit int
	var allWords bool
	search := &cobra.Command{
		Use:   "search QUERY",
		Short: "Search your facts' text and quote: any of the words (stemmed), best matches first",
		Args:  minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			q := args[0]
			for _, s := range args[1:] {
				q += " " + s
			}
			fs, err := a.svc.SearchFacts(cmd.Context(), a.actor, service.FactSearch{Query: q, Limit: limit, AllWords: allWords})
			if err != nil {
				return err
			}
			if len(fs) == 0 {
				which := "any"
				if allWords {
					which = "all"
				}
				fmt.Fprintf(a.io.Err, "opus: no fact holds %s of the words of %q\n", which, q)
			}
			return a.printFacts(fs)
		},
	}
	search.Flags().IntVar(&limit, "limit", 20, "at most this many results")
	search.Flags().BoolVar(&allWords, "all-words", false, "only facts holding every word (default: any of them, best matches first)")

	var source, kind string
	add := &cobra.Command{
		Use:   "add TEXT --source NOTE",
		Short: "Add a manual fact with its source (e.g. a lab notebook entry)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			f, err := a.svc.AddFact(cmd.Context(), a.actor, args[0], source, kind)
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(f)
			}
			fmt.Fprintf(a.io.Out, "%s  %s\n", f.Handle, safe(f.Text))
			return nil
		},
	}
	add.Flags().StringVar(&source, "source", "", "where the fact comes from (required)")
	add.Flags().StringVar(&kind, "kind", "finding", "finding|method|measurement|population|definition|background|limitation")

	retract := &cobra.Command{
		Use:   "retract F3",
		Short: "Retract a fact (verified paragraphs citing it become stale)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			f, stale, err := a.svc.RetractFact(cmd.Context(), a.actor, args[0])
			if err != nil {
				return err
			}
			if a.json {
				if stale == nil {
					stale = []string{}
				}
				return a.printJSON(map[string]any{"id": f.Handle, "state": f.State, "stale_paragraphs": stale})
			}
			fmt.Fprintf(a.io.Out, "retracted %s\n", f.Handle)
			for _, p := range stale {
				fmt.Fprintf(a.io.Out, "%s is now stale (it cited %s)\n", p, f.Handle)
			}
			return nil
		},
	}
	c.AddCommand(extract, list, show, search, add, retract)
	return groupCommand(c)
}

func (a *app) printFacts(fs []domain.Fact) error {
	if a.json {
		if fs == nil {
			fs = []domain.Fact{}
		}
		return a.printJSON(fs)
	}
	rows := make([][]string, len(fs))
	for i, f := range fs {
		src := f.DocHandle
		if f.Page != nil {
			src += " p." + strconv.Itoa(*f.Page)
		}
		if f.Origin == domain.OriginManual {
			src = "manual"
		}
		rows[i] = []string{f.Handle, src, f.Kind, truncate(f.Text, 90)}
		if f.State != domain.FactActive {
			rows[i][3] = "(" + f.State + ") " + rows[i][3]
		}
	}
	a.table([]string{"ID", "SOURCE", "KIND", "TEXT"}, rows)
	return nil
}
