package web

import (
	"net/http"
)

func (h *caseHandlers) handleBoardPage(w http.ResponseWriter, r *http.Request) {
	fac, err := queryInt(r, "facility_id", 0, 0, 1<<31)
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	b, err := h.cases.Board(r.Context(), int64(fac), 500)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "board_deadlines", map[string]any{"B": b, "FacilityID": fac})
}
