package server

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/service"
)

// traceparent is a W3C trace context header: version, trace id, parent
// id, flags.
var traceparent = regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$`)

// traceID is the request's trace: the caller's, when it sends a valid
// traceparent, else a new one. The same id is on the request's log line,
// the jobs it creates and their runs.
func traceID(header string) string {
	if m := traceparent.FindStringSubmatch(header); m != nil && m[1] != "00000000000000000000000000000000" {
		return m[1]
	}
	return domain.NewID()
}

// traceKey carries the request's trace id.
type traceKey struct{}

func requestTrace(ctx context.Context) string {
	s, _ := ctx.Value(traceKey{}).(string)
	return s
}

// metrics are the server's Prometheus figures: requests by route and
// status with their durations, and, read from the database at each scrape,
// jobs by kind and state and model calls, tokens and cost.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(svc *service.Service) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "opus_http_requests_total", Help: "API requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "opus_http_request_duration_seconds", Help: "API request durations by route and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
	}
	m.reg.MustRegister(m.requests, m.duration, totalsCollector{svc}, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// observe logs each API request and counts it; it carries the request's
// trace id to the handlers and back in the traceparent header. It logs the
// route pattern, never a header or a body (tokens, passwords).
func (s *server) observe(ctx huma.Context, next func(huma.Context)) {
	start := time.Now()
	trace := traceID(ctx.Header("traceparent"))
	ctx.SetHeader("traceparent", "00-"+trace+"-"+domain.NewID()[:16]+"-01")
	ctx = huma.WithValue(ctx, traceKey{}, trace)
	next(ctx)
	op := ctx.Operation()
	status := ctx.Status()
	if status == 0 {
		status = http.StatusOK
	}
	elapsed := time.Since(start)
	s.metrics.requests.WithLabelValues(op.Path, op.Method, strconv.Itoa(status)).Inc()
	s.metrics.duration.WithLabelValues(op.Path, op.Method).Observe(elapsed.Seconds())
	s.log.InfoContext(ctx.Context(), "request", "method", op.Method, "route", op.Path, "status", status,
		"ms", elapsed.Milliseconds(), "trace_id", trace, "client", ctx.RemoteAddr())
}

// totalsCollector reads the operator's figures at each scrape.
type totalsCollector struct{ svc *service.Service }

var (
	jobsDesc   = prometheus.NewDesc("opus_jobs", "Jobs by kind and state.", []string{"kind", "state"}, nil)
	callsDesc  = prometheus.NewDesc("opus_model_calls_total", "Model calls (and cache hits) by agent, model and status.", []string{"agent", "model", "status"}, nil)
	tokensDesc = prometheus.NewDesc("opus_model_tokens_total", "Model tokens by agent, model and direction.", []string{"agent", "model", "direction"}, nil)
	costDesc   = prometheus.NewDesc("opus_model_cost_usd_total", "Model cost in USD by agent and model.", []string{"agent", "model"}, nil)
	upDesc     = prometheus.NewDesc("opus_database_up", "1 when the database answered the last scrape.", nil, nil)
)

func (c totalsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{jobsDesc, callsDesc, tokensDesc, costDesc, upDesc} {
		ch <- d
	}
}

func (c totalsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	t, err := c.svc.Totals(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 1)
	for _, j := range t.Jobs {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(j.N), j.Kind, j.State)
	}
	tokens := map[[2]string][2]int64{}
	cost := map[[2]string]float64{}
	for _, r := range t.Runs {
		ch <- prometheus.MustNewConstMetric(callsDesc, prometheus.CounterValue, float64(r.Calls), r.Agent, r.Model, r.Status)
		k := [2]string{r.Agent, r.Model}
		tk := tokens[k]
		tokens[k] = [2]int64{tk[0] + r.TokensIn, tk[1] + r.TokensOut}
		cost[k] += r.CostUSD
	}
	for k, v := range tokens {
		ch <- prometheus.MustNewConstMetric(tokensDesc, prometheus.CounterValue, float64(v[0]), k[0], k[1], "in")
		ch <- prometheus.MustNewConstMetric(tokensDesc, prometheus.CounterValue, float64(v[1]), k[0], k[1], "out")
		ch <- prometheus.MustNewConstMetric(costDesc, prometheus.CounterValue, cost[k], k[0], k[1])
	}
}
