// Package loadtest is Amparo's load generator: a fixed number of clients,
// each sending one request after another for a fixed time, against a
// server's JSON API. It records every request's latency and outcome, and
// every case whose creation the server acknowledged, so that the caller can
// check afterwards that each of them is stored (`amparo loadtest`, which
// starts the server, does).
//
// It is bounded by construction: Clients goroutines, Duration, and one
// request in flight per client.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Op is one kind of request.
type Op string

const (
	// OpSearch is GET /api/v1/cases?q=<a name prefix>, as an officer
	// looking a child up by name; the read is audited.
	OpSearch Op = "search"
	// OpCreate is POST /api/v1/cases: a child's intake, with its deadlines,
	// timeline and audit row in one transaction.
	OpCreate Op = "create"
	// OpRead is GET /api/v1/cases/{id} of a case that exists: the case
	// page's data, an audited read.
	OpRead Op = "read"
)

// Scenario is a named mix of operations, each with a weight.
type Scenario struct {
	Name string
	Mix  []Weighted
}

// Weighted is one operation of a mix.
type Weighted struct {
	Op     Op
	Weight int
}

// Scenarios are the ones `amparo loadtest` runs, in this order. The mix is
// what a surge looks like from the intake desks and the caseworkers:
// mostly look-ups, one in five an intake.
var Scenarios = []Scenario{
	{Name: "search", Mix: []Weighted{{OpSearch, 1}}},
	{Name: "create", Mix: []Weighted{{OpCreate, 1}}},
	{Name: "mix", Mix: []Weighted{{OpSearch, 7}, {OpCreate, 2}, {OpRead, 1}}},
}

// ScenarioNamed returns the scenario called name.
func ScenarioNamed(name string) (Scenario, bool) {
	for _, s := range Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// Target is the server and the accounts the clients use.
type Target struct {
	BaseURL string
	// ReadToken is an API token whose scope includes every case (searches
	// and reads); CreateToken one allowed to create cases.
	ReadToken, CreateToken string
	// SearchTerms are what the searches look for (name prefixes).
	SearchTerms []string
	// CaseIDs are cases that exist, for OpRead.
	CaseIDs []int64
}

// Options bound a run.
type Options struct {
	Clients  int
	Duration time.Duration
}

// Created is a case whose creation the server acknowledged (201 with its id).
type Created struct {
	ID         int64
	GivenNames string
	Surname1   string
}

// OpStats are one operation's figures in one run.
type OpStats struct {
	Latencies []time.Duration // of every request, answered or not
	Errors    int
	// Samples are the first few errors, to say what went wrong.
	Samples []string
}

// Result is one scenario's run.
type Result struct {
	Scenario string
	Clients  int
	Elapsed  time.Duration
	Ops      map[Op]*OpStats
	Created  []Created
}

// Errors is the number of failed requests of every operation.
func (r *Result) Errors() int {
	n := 0
	for _, s := range r.Ops {
		n += s.Errors
	}
	return n
}

// Requests is the number of requests sent.
func (r *Result) Requests() int {
	n := 0
	for _, s := range r.Ops {
		n += len(s.Latencies)
	}
	return n
}

// Quantile returns the q-quantile (0 < q <= 1) of the latencies, by the
// nearest-rank method; 0 with none.
func Quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*q+0.999999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Write prints one line per operation: requests, requests per second,
// p50, p99, max and errors, then the first error samples.
func (r *Result) Write(w io.Writer) {
	ops := make([]Op, 0, len(r.Ops))
	for op := range r.Ops {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	secs := r.Elapsed.Seconds()
	for _, op := range ops {
		s := r.Ops[op]
		lat := slices.Clone(s.Latencies)
		slices.Sort(lat)
		fmt.Fprintf(w, "%-8s %-7s clients=%-3d requests=%-7d %8.1f req/s  p50=%-9s p99=%-9s max=%-9s errors=%d\n",
			r.Scenario, op, r.Clients, len(lat), float64(len(lat))/secs,
			ms(Quantile(lat, 0.50)), ms(Quantile(lat, 0.99)), ms(Quantile(lat, 1)), s.Errors)
		for _, e := range s.Samples {
			fmt.Fprintf(w, "    error: %s\n", e)
		}
	}
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
}

// maxSamples bounds the error messages kept per operation.
const maxSamples = 5

// Run sends requests from o.Clients clients for o.Duration (or until ctx
// ends) and returns what happened. A request still in flight at the end
// is waited for and counted.
func Run(ctx context.Context, client *http.Client, t Target, sc Scenario, o Options) *Result {
	res := &Result{Scenario: sc.Name, Clients: o.Clients, Ops: map[Op]*OpStats{}}
	for _, w := range sc.Mix {
		res.Ops[w.Op] = &OpStats{}
	}
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for c := range o.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := &runner{client: client, t: t, rng: newRand(uint64(c)<<32 ^ uint64(start.UnixNano())), id: c}
			for ctx.Err() == nil {
				op := cl.pick(sc.Mix)
				t0 := time.Now()
				// The request is not tied to ctx: the run's end must not
				// turn the last requests into cancellations.
				created, err := cl.do(context.WithoutCancel(ctx), op)
				d := time.Since(t0)
				mu.Lock()
				s := res.Ops[op]
				s.Latencies = append(s.Latencies, d)
				if err != nil {
					s.Errors++
					if len(s.Samples) < maxSamples {
						s.Samples = append(s.Samples, err.Error())
					}
				}
				if created != nil {
					res.Created = append(res.Created, *created)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x616d7061726f)) }

type runner struct {
	client *http.Client
	t      Target
	rng    *rand.Rand
	id     int
	seq    int
}

func (c *runner) pick(mix []Weighted) Op {
	total := 0
	for _, w := range mix {
		total += w.Weight
	}
	n := c.rng.IntN(total)
	for _, w := range mix {
		if n < w.Weight {
			return w.Op
		}
		n -= w.Weight
	}
	return mix[len(mix)-1].Op
}

func (c *runner) do(ctx context.Context, op Op) (*Created, error) {
	switch op {
	case OpSearch:
		q := ""
		if len(c.t.SearchTerms) > 0 {
			q = c.t.SearchTerms[c.rng.IntN(len(c.t.SearchTerms))]
		}
		return nil, c.send(ctx, http.MethodGet, "/api/v1/cases?q="+url.QueryEscape(q), c.t.ReadToken, nil, http.StatusOK, nil)
	case OpRead:
		if len(c.t.CaseIDs) == 0 {
			return nil, fmt.Errorf("read: no case ids to read")
		}
		id := c.t.CaseIDs[c.rng.IntN(len(c.t.CaseIDs))]
		return nil, c.send(ctx, http.MethodGet, "/api/v1/cases/"+strconv.FormatInt(id, 10), c.t.ReadToken, nil, http.StatusOK, nil)
	case OpCreate:
		c.seq++
		// The surname is unique to this client and request, so that the
		// stored case can be told from every other.
		in := Created{GivenNames: givenNames[c.rng.IntN(len(givenNames))], Surname1: fmt.Sprintf("Carga%dx%d", c.id, c.seq)}
		body, _ := json.Marshal(map[string]any{
			"given_names": in.GivenNames, "surname1": in.Surname1, "surname2": "Prueba",
			"sex": []string{"F", "M"}[c.rng.IntN(2)], "birth_date": fmt.Sprintf("%d-%02d-%02d", 2009+c.rng.IntN(8), 1+c.rng.IntN(12), 1+c.rng.IntN(28)),
			"nationality": "GT", "languages": []string{"es"}, "encounter_place": "load test",
			"encountered_at": time.Now().Add(-time.Duration(c.rng.IntN(600)) * time.Minute).UTC().Format(time.RFC3339),
		})
		var out struct {
			ID int64 `json:"id"`
		}
		if err := c.send(ctx, http.MethodPost, "/api/v1/cases", c.t.CreateToken, body, http.StatusCreated, &out); err != nil {
			return nil, err
		}
		if out.ID <= 0 {
			return nil, fmt.Errorf("create: answered 201 without an id")
		}
		in.ID = out.ID
		return &in, nil
	}
	return nil, fmt.Errorf("unknown operation %q", op)
}

// givenNames are common given names, only to make the created cases look
// like cases; any would do.
var givenNames = []string{"Ana", "José", "María", "Luis", "Carmen", "Juan", "Rosa", "Carlos", "Sofía", "Miguel"}

func (c *runner) send(ctx context.Context, method, path, token string, body []byte, want int, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.t.BaseURL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, strings.Join(strings.Fields(string(data[:min(len(data), 300)])), " "))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return nil
}

// NewClient returns an HTTP client that keeps one connection per client
// alive, so that the figures measure the server, not TCP handshakes.
func NewClient(clients int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = clients * 2
	tr.MaxIdleConnsPerHost = clients * 2
	return &http.Client{Transport: tr, Timeout: time.Minute}
}

// surnames are common Central American surnames, only to give the seeded
// cases names that searches find in realistic numbers.
var surnames = []string{"García", "López", "Hernández", "Martínez", "González", "Pérez", "Rodríguez", "Ramírez",
	"Morales", "Cruz", "Flores", "Reyes", "Castillo", "Ortiz", "Mejía", "Gómez", "Díaz", "Vásquez", "Aguilar", "Chávez"}

// SeedName returns the names of the i-th seeded case.
func SeedName(i int) (given, surname1, surname2 string) {
	return givenNames[i%len(givenNames)], surnames[(i/len(givenNames))%len(surnames)], surnames[(i*7+3)%len(surnames)]
}

// SearchTerms are the searches the clients send: a surname's first
// letters, a whole surname, and a given name with a surname, as an
// officer types them.
var SearchTerms = []string{"gar", "lopez", "hern", "mart", "gonzalez", "per", "rodr", "ramirez", "mor", "cruz",
	"maria lopez", "jose garcia", "ana mejia", "luis", "carmen reyes", "ort", "diaz", "vasq", "aguilar", "chavez"}
