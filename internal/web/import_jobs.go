package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
)

// A case import of a large file outlives the request: with
// ?background=1 the body is spooled to a temporary file, the answer is
// 202 with the job's address, and the import runs on while the client
// polls GET /api/v1/cases/import/jobs/{job} for its progress and outcome.
// A file of more than custody.ImportChunkRows rows commits chunk by chunk:
// the job says how many rows are committed (rows_committed) and, if it
// stops part way, the line to import the same file again from
// (resume_from, given back as ?background=1&resume_from=N). Jobs live in
// memory: after a restart a job is unknown (404); what its committed
// chunks imported stays, and the audit log has a row for each chunk
// (case.import, "chunk K, lines A-B").

// importJobKeep is how long a finished job's outcome can be read.
const importJobKeep = 24 * time.Hour

// importJobView is a job as the API answers it.
type importJobView struct {
	ID         string                `json:"id"`
	State      string                `json:"state"` // running, done, failed
	Rows       int64                 `json:"rows_read"`
	BytesRead  int64                 `json:"bytes_read"`
	BytesTotal int64                 `json:"bytes_total"`
	Started    time.Time             `json:"started_at"`
	Finished   *time.Time            `json:"finished_at"`
	Result     *custody.ImportResult `json:"result"` // when done
	Error      string                `json:"error,omitempty"`
	// Committed is how many rows the committed chunks imported so far.
	Committed int64 `json:"rows_committed"`
	// ResumeFrom is the line to import the file again from when the job
	// stopped part way (0: nothing left, or nothing committed).
	ResumeFrom int `json:"resume_from,omitempty"`
}

type importJob struct {
	owner                 auth.Principal
	rows, read, committed atomic.Int64
	mu                    sync.Mutex
	view                  importJobView
}

func (j *importJob) snapshot() importJobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := j.view
	v.Rows, v.BytesRead, v.Committed = j.rows.Load(), j.read.Load(), j.committed.Load()
	return v
}

// importJobs runs background imports; Close cancels the running ones
// (their transactions roll back) and waits for them.
type importJobs struct {
	mu     sync.Mutex
	jobs   map[string]*importJob
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newImportJobs() *importJobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &importJobs{jobs: map[string]*importJob{}, ctx: ctx, cancel: cancel}
}

func (js *importJobs) Close() error {
	js.cancel()
	js.wg.Wait()
	return nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// start spools body (an over-cap body is an *http.MaxBytesError) and runs
// run on it in the background, acting as the request's principal.
func (js *importJobs) start(ctx context.Context, body io.Reader, opt custody.ImportOptions, run func(context.Context, io.Reader, custody.ImportOptions) (*custody.ImportResult, error)) (*importJob, error) {
	p, _ := auth.FromContext(ctx)
	f, err := os.CreateTemp("", "amparo-import-*.csv")
	if err != nil {
		return nil, fmt.Errorf("import job: spool: %w", err)
	}
	size, err := io.Copy(f, body)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("import job: spool: %w", err)
	}
	j := &importJob{owner: p, view: importJobView{ID: auth.RandomToken(12), State: "running", BytesTotal: size, Started: time.Now().UTC()}}
	js.mu.Lock()
	for id, old := range js.jobs {
		if v := old.snapshot(); v.Finished != nil && time.Since(*v.Finished) > importJobKeep {
			delete(js.jobs, id)
		}
	}
	js.jobs[j.view.ID] = j
	js.mu.Unlock()

	// The job keeps the request's values (principal, request id for the
	// audit log) but not its end; it ends when it is done or at Close.
	jctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(js.ctx, cancel)
	js.wg.Add(1)
	go func() {
		defer js.wg.Done()
		defer cancel()
		defer stop()
		defer os.Remove(f.Name())
		defer f.Close()
		opt.Progress = func(done int) { j.rows.Store(int64(done)) }
		opt.Committed = func(imported, _ int) { j.committed.Store(int64(imported)) }
		res, err := run(jctx, countingReader{f, &j.read}, opt)
		now := time.Now().UTC()
		j.mu.Lock()
		defer j.mu.Unlock()
		j.view.Finished = &now
		var stopped *custody.ImportStoppedError
		switch {
		case errors.As(err, &stopped):
			j.view.State, j.view.Error, j.view.ResumeFrom = "failed", err.Error(), stopped.ResumeFrom
			j.committed.Store(int64(stopped.Imported))
		case err != nil:
			j.view.State, j.view.Error = "failed", err.Error()
			if errors.Is(err, context.Canceled) {
				j.view.Error = "the server stopped before the import ended; nothing was imported"
			}
			j.committed.Store(0)
		default:
			j.view.State, j.view.Result, j.view.ResumeFrom = "done", res, res.ResumeFrom
			j.committed.Store(int64(res.Imported))
		}
	}()
	return j, nil
}

// get returns the job if p may see it: its owner, or an admin.
func (js *importJobs) get(id string, p auth.Principal) (importJobView, bool) {
	js.mu.Lock()
	j, ok := js.jobs[id]
	js.mu.Unlock()
	if !ok || (j.owner.UserID != p.UserID && p.Role != auth.RoleAdmin) {
		return importJobView{}, false
	}
	return j.snapshot(), true
}

// handleImportJobAPI answers a background import's progress or outcome.
// Another person's job is not found, like an unknown one.
func (h *caseHandlers) handleImportJobAPI(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.FromContext(r.Context())
	v, ok := h.imports.get(r.PathValue("job"), p)
	if !ok {
		h.writeError(w, r, http.StatusNotFound, "not_found", "No such import job: "+r.PathValue("job"))
		return
	}
	h.writeJSON(w, http.StatusOK, v)
}

// startImportJob answers 202 with the job once the body is spooled.
func (h *caseHandlers) startImportJob(w http.ResponseWriter, r *http.Request, body io.Reader) {
	if _, err := auth.Require(r.Context(), auth.PermCaseImport); err != nil {
		h.domainError(w, r, err)
		return
	}
	resume, err := queryInt(r, "resume_from", 0, 0, 1<<31)
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	j, err := h.imports.start(r.Context(), body, custody.ImportOptions{ResumeFrom: resume}, h.cases.ImportCasesWith)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		h.writeError(w, r, http.StatusRequestEntityTooLarge, "too_large", "The file is larger than "+fileSize(tooBig.Limit)+"; nothing was imported.")
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	v := j.snapshot()
	w.Header().Set("Location", "/api/v1/cases/import/jobs/"+v.ID)
	h.writeJSON(w, http.StatusAccepted, v)
}
