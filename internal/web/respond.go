package web

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/amparo-project/amparo/internal/errs"
)

// apiError is the one shape of every API error.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (s *kit) writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		s.log.Warn("write json", "err", err)
	}
}

// writeError answers JSON to API calls and an error page to browsers.
func (s *kit) writeError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	if isAPI(r) || wantsJSON(r) {
		var e apiError
		e.Error.Code, e.Error.Message = code, message
		s.writeJSON(w, status, e)
		return
	}
	s.render(w, r, status, "error", map[string]any{"Status": status, "StatusText": http.StatusText(status), "Code": code, "Message": message})
}

func wantsJSON(r *http.Request) bool {
	return r.Header.Get("Accept") == "application/json"
}

// serverError logs err once, with the request id, and answers 500 without
// leaking internals.
func (s *kit) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "request failed", "request_id", requestIDOf(r), "method", r.Method, "path", r.URL.Path, "err", err)
	s.writeError(w, r, http.StatusInternalServerError, "internal", "Something went wrong; the error was logged with request id "+requestIDOf(r)+".")
}

// domainError maps domain errors to HTTP: refusals 403, not found 404,
// conflicts 409, rule breaks 422;
// everything else is the server's fault.
func (s *kit) domainError(w http.ResponseWriter, r *http.Request, err error) {
	var ve errs.Invalid
	switch {
	case errors.As(err, &ve) && ve.Validation():
		s.writeError(w, r, http.StatusUnprocessableEntity, "invalid", ve.Error())
	case errors.Is(err, errs.ErrForbidden):
		s.writeError(w, r, http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, errs.ErrNotFound):
		s.writeError(w, r, http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, errs.ErrConflict):
		s.writeError(w, r, http.StatusConflict, "conflict", err.Error())
	default:
		s.serverError(w, r, err)
	}
}

// decodeJSON reads a JSON body into dst, refusing unknown fields, bodies
// over the route's cap (413), trailing data, and text no record may hold
// (422: see badText). On error it has already answered and returns false.
func (s *kit) decodeJSON(w http.ResponseWriter, r *http.Request, dst any) bool {
	body, err := io.ReadAll(r.Body) // within the route's cap
	if err == nil {
		if problem := badText(body); problem != "" {
			s.writeError(w, r, http.StatusUnprocessableEntity, "invalid", "The request body "+problem+".")
			return false
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err == nil {
		err = dec.Decode(dst)
	}
	if err == nil && dec.More() {
		err = errors.New("unexpected data after the JSON value")
	}
	if err == nil {
		if _, err2 := io.Copy(io.Discard, io.LimitReader(r.Body, 1)); err2 != nil {
			err = err2
		}
	}
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		s.writeError(w, r, http.StatusRequestEntityTooLarge, "too_large", "The request body is larger than "+fileSize(tooBig.Limit)+".")
	case errors.As(err, &syntax):
		s.writeError(w, r, http.StatusBadRequest, "bad_json", fmt.Sprintf("Malformed JSON at byte %d.", syntax.Offset))
	case errors.As(err, &typeErr):
		s.writeError(w, r, http.StatusBadRequest, "bad_json", fmt.Sprintf("Field %q must be %s, not %s.", typeErr.Field, typeErr.Type, typeErr.Value))
	case errors.Is(err, io.EOF):
		s.writeError(w, r, http.StatusBadRequest, "bad_json", "The request body is empty; a JSON object is required.")
	default:
		s.writeError(w, r, http.StatusBadRequest, "bad_json", "Invalid JSON: "+err.Error())
	}
	return false
}

// badText says what is wrong with the text of a JSON body, or "": bytes
// that are not UTF-8 (which the decoder would silently replace), a NUL
// (stored by SQLite, refused by PostgreSQL), raw or escaped as \u0000, or
// an escaped lone surrogate (\ud800, also silently replaced). Outside
// strings a backslash is a syntax error, so escapes need no parsing.
func badText(b []byte) string {
	if !utf8.Valid(b) {
		return "is not valid UTF-8"
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "contains a NUL character"
	}
	for i := 0; i < len(b)-1; i++ {
		if b[i] != '\\' {
			continue
		}
		i++ // the escaped character
		if b[i] != 'u' || i+4 >= len(b) {
			continue
		}
		c, err := strconv.ParseUint(string(b[i+1:i+5]), 16, 32)
		if err != nil {
			continue // the decoder reports it
		}
		switch {
		case c == 0:
			return "contains a NUL character (\\u0000)"
		case c >= 0xDC00 && c <= 0xDFFF:
			return "contains an unpaired surrogate escape"
		case c >= 0xD800 && c <= 0xDBFF:
			j := i + 5
			if j+5 >= len(b) || b[j] != '\\' || b[j+1] != 'u' {
				return "contains an unpaired surrogate escape"
			}
			lo, err := strconv.ParseUint(string(b[j+2:j+6]), 16, 32)
			if err != nil || lo < 0xDC00 || lo > 0xDFFF {
				return "contains an unpaired surrogate escape"
			}
			i = j + 5
			continue
		}
		i += 4
	}
	return ""
}

// formTextOK refuses (422) a submitted form whose names or values are
// not UTF-8 or hold a NUL: the forms' counterpart of badText, for every
// page at once. Other bodies pass, and so does every API body whatever its
// declared type: the API reads JSON, CSV and XML, and parsing one as a
// form would consume it (curl -d sends this type by default, and the
// handler then saw an empty body). On refusal it has answered.
func (s *kit) formTextOK(w http.ResponseWriter, r *http.Request) bool {
	if isSafeMethod(r.Method) || isAPI(r) || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return true
	}
	if err := r.ParseForm(); err != nil {
		return true // the handler's own reading of the form reports it
	}
	for k, vs := range r.PostForm {
		for _, v := range append(vs, k) {
			if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
				s.writeError(w, r, http.StatusUnprocessableEntity, "invalid", "The form holds a NUL character or text that is not UTF-8.")
				return false
			}
		}
	}
	return true
}

func (s *kit) secure(r *http.Request) bool { return r.TLS != nil || s.opts.SecureCookies }

func (s *kit) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure(r),
	})
}

func (s *kit) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	s.setCookie(w, r, name, "", -1)
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// localPath returns next if it is a path on this site, else "/": a login
// link must not bounce a person to another site.
func localPath(next string) string {
	if len(next) == 0 || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return "/"
	}
	return next
}

// pathID reads a positive integer path value; an id that is not a number
// names nothing, so it is not found. On error it has answered.
func (s *kit) pathID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		s.writeError(w, r, http.StatusNotFound, "not_found", "No such record: "+r.PathValue(name))
		return 0, false
	}
	return id, true
}

// pathIDs reads {id} and a second id path value (an item of the record,
// such as a case's task); either one bad is answered as pathID answers it.
func (s *kit) pathIDs(w http.ResponseWriter, r *http.Request, item string) (id, sub int64, ok bool) {
	if id, ok = s.pathID(w, r, "id"); !ok {
		return 0, 0, false
	}
	if sub, ok = s.pathID(w, r, item); !ok {
		return 0, 0, false
	}
	return id, sub, true
}

// queryInt reads an integer query parameter within [min, max].
func queryInt(r *http.Request, name string, def, min, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, fmt.Errorf("%s must be a whole number from %d to %d", name, min, max)
	}
	return n, nil
}
