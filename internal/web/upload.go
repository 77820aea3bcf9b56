package web

import (
	"bytes"
	"errors"
	"html/template"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/children/custody"
)

// A file over its route's cap is refused whole, but the form it came with
// is re-shown, with what it held before the file, in the page's language,
// naming the cap: the file inputs carry their cap (uploadCap) and
// static/upload.js refuses such a file when it is chosen, and a form sent
// without JavaScript (curl, a browser with scripts off) is answered by the
// server as a page, not a bare 413:
//   - cappedBody keeps the first bytes of a page's multipart body, so that
//     the fields sent before the file (the form token first: every upload
//     form puts it first, its file last) can be read back when the body
//     stops at the cap (readUploadForm);
//   - it reads and drops the rest of such a body, up to drainFactor times
//     the cap, before anything is answered: a client that sends the whole
//     body before reading the answer (curl, browsers) would otherwise see
//     the connection reset by a server that stopped reading, and no page.
//     Beyond that the connection is closed.
func init() {
	addTemplateFuncs(template.FuncMap{"uploadCap": uploadCap})
}

// uploadCap is the largest file an upload form takes, by kind.
func uploadCap(kind string) int64 {
	switch kind {
	case "document":
		return custody.MaxDocumentBytes
	case "evidence":
		return aid.MaxDocumentBytes
	case "iati":
		return aid.MaxIATIBytes
	}
	panic("uploadCap: unknown kind " + kind) // a template mistake, caught by the page tests
}

const (
	// drainFactor bounds what is read and dropped of a body over its cap.
	drainFactor = 4
	// keepHead is how much of a page's multipart body is kept for its
	// fields; the text fields of the upload forms take a few KiB.
	keepHead = 256 << 10
	// uploadMemory is what a multipart form holds in memory before its
	// files go to temporary files (net/http's own default).
	uploadMemory = 32 << 20
)

// cappedBody is a request body behind its route's cap.
type cappedBody struct {
	capped  io.ReadCloser // http.MaxBytesReader over head
	rest    io.Reader     // the request body itself
	drain   int64
	drained bool
	head    *bytes.Buffer // the first keepHead bytes, when kept
}

// capBody puts r's body behind limit; keep says whether its first bytes
// are kept for readUploadForm.
func capBody(w http.ResponseWriter, r *http.Request, limit int64, keep bool) *cappedBody {
	b := &cappedBody{rest: r.Body, drain: drainFactor * limit}
	var src io.ReadCloser = r.Body
	if keep {
		b.head = new(bytes.Buffer)
		src = struct {
			io.Reader
			io.Closer
		}{io.TeeReader(r.Body, headWriter{b}), r.Body}
	}
	b.capped = http.MaxBytesReader(w, src, limit)
	return b
}

// headWriter keeps what fits in keepHead and drops the rest.
type headWriter struct{ b *cappedBody }

func (h headWriter) Write(p []byte) (int, error) {
	if room := keepHead - h.b.head.Len(); room > 0 {
		h.b.head.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *cappedBody) Read(p []byte) (int, error) {
	n, err := b.capped.Read(p)
	var tooBig *http.MaxBytesError
	if !b.drained && errors.As(err, &tooBig) {
		b.drained = true
		// Errors here only end the draining: the answer is the 413.
		_, _ = io.CopyN(io.Discard, b.rest, b.drain)
	}
	return n, err
}

func (b *cappedBody) Close() error { return b.capped.Close() }

// isMultipart reports whether r sends a multipart form.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// readUploadForm reads a page's multipart form before its token is
// checked. A body over the cap leaves r.MultipartForm nil, so that the
// handler's own reading of the file gives the *http.MaxBytesError again,
// and r.Form and r.PostForm hold the fields the kept head gave in whole.
func readUploadForm(r *http.Request, b *cappedBody) {
	err := r.ParseMultipartForm(uploadMemory)
	var tooBig *http.MaxBytesError
	if !errors.As(err, &tooBig) || b.head == nil {
		return
	}
	_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	got := fieldsBefore(b.head.Bytes(), params["boundary"])
	r.PostForm = got
	r.Form = url.Values{}
	for k, vs := range r.URL.Query() {
		r.Form[k] = vs
	}
	for k, vs := range got {
		r.Form[k] = append(vs, r.Form[k]...)
	}
}

// fieldsBefore is the text fields a cut multipart body holds whole.
func fieldsBefore(head []byte, boundary string) url.Values {
	out := url.Values{}
	if boundary == "" {
		return out
	}
	mr := multipart.NewReader(bytes.NewReader(head), boundary)
	for {
		p, err := mr.NextPart()
		if err != nil {
			return out
		}
		v, err := io.ReadAll(p)
		if err != nil {
			return out // the part the body was cut in
		}
		if p.FileName() == "" && p.FormName() != "" {
			out.Add(p.FormName(), string(v))
		}
	}
}
