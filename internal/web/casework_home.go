package web

import "net/http"

// homeView is what the home page shows besides the navigation: an
// approver's queue of releases awaiting a second person.
type homeView struct {
	Queue      *releaseQueueView
	QueueError bool
}

// casework is the casework handlers over the server's services.
func (s *Server) casework() *caseworkHandlers {
	return &caseworkHandlers{caseHandlers: &caseHandlers{kit: s.kit, cases: s.svc.Custody, facilities: s.svc.Facilities, release: s.svc.Release, imports: s.imports}, users: s.auth, tracing: s.svc.Tracing}
}

// homeData is the home page's data for the signed-in viewer. A failure
// to read the queue is logged and said on the page, not a broken home.
func (s *Server) homeData(r *http.Request) homeView {
	q, err := s.casework().homeQueue(r)
	if err != nil {
		s.log.ErrorContext(r.Context(), "home: approval queue", "request_id", requestIDOf(r), "err", err)
		return homeView{QueueError: true}
	}
	return homeView{Queue: q}
}
