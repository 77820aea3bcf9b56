package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/legal"
)

// csvCell keeps a spreadsheet from reading a child's name or a note as a
// formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsAny(s[:1], "=+-@\t\r") {
		return "'" + s
	}
	return s
}

// handleQueueCSV exports the queue as the viewer sees it (legal.Queue
// applies the organisation or case scope and audits the read).
func (h *legalHandlers) handleQueueCSV(w http.ResponseWriter, r *http.Request) {
	q, err := h.legal.Queue(r.Context(), legal.QueueQuery{})
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	writeCSVHeaders(w, "amparo-legal-queue.csv")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"case_id", "name", "reliefs", "waiting_since", "days_waiting", "pending_with"})
	for _, e := range q {
		name := ""
		if e.Case != nil {
			name = e.Case.Name
		}
		rs := make([]string, len(e.Reliefs))
		for i, x := range e.Reliefs {
			rs[i] = string(x)
		}
		_ = cw.Write([]string{strconv.FormatInt(e.CaseID, 10), csvCell(name), strings.Join(rs, " "), e.WaitingFrom.Format(time.DateOnly),
			strconv.Itoa(e.DaysWaiting), csvCell(e.PendingWith)})
	}
	cw.Flush()
}

// handleLostContactCSV exports the lost-contact board.
func (h *legalHandlers) handleLostContactCSV(w http.ResponseWriter, r *http.Request) {
	// Every lost child in scope, read a page of legal.MaxLost at a time;
	// the first page is read before anything is written, so that a
	// refusal is a clean error answer.
	b, err := h.legal.LostContact(r.Context(), legal.LostQuery{Limit: legal.MaxLost})
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	lost := b.Lost
	for off := legal.MaxLost; off < b.Total; off += legal.MaxLost {
		next, err := h.legal.LostContact(r.Context(), legal.LostQuery{Limit: legal.MaxLost, Offset: off})
		if err != nil {
			h.domainError(w, r, err)
			return
		}
		lost = append(lost, next.Lost...)
	}
	writeCSVHeaders(w, "amparo-lost-contact.csv")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"case_id", "name", "released_at", "release_month", "sponsor_category", "post_release_services", "lost_at", "days_lost", "reason"})
	for _, e := range lost {
		name := ""
		if e.Case != nil {
			name = e.Case.Name
		}
		_ = cw.Write([]string{strconv.FormatInt(e.CaseID, 10), csvCell(name), e.ReleasedAt.Format(time.DateOnly), e.ReleasedAt.Format("2006-01"),
			string(e.SponsorCategory), strconv.FormatBool(e.PostReleaseServices), e.LostAt.Format(time.DateOnly), strconv.Itoa(e.DaysLost), e.Reason})
	}
	cw.Flush()
}
