package llm

import "context"

// Limit wraps p so that at most n calls run at once through it, across every
// job of the process (operational-plan.md: concurrent model calls per
// process).
func Limit(p Provider, n int) Provider {
	if n <= 0 {
		return p
	}
	return &limited{Provider: p, sem: make(chan struct{}, n)}
}

type limited struct {
	Provider
	sem chan struct{}
}

func (l *limited) Complete(ctx context.Context, req Request) (Response, error) {
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return Response{}, ctx.Err()
	}
	defer func() { <-l.sem }()
	return l.Provider.Complete(ctx, req)
}
