package web

import (
	"net/http"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
)

// homeView is what the home page shows besides the navigation: an
// approver's queue of releases awaiting a second person.
type homeView struct {
	Queue      *releaseQueueView
	QueueError bool
	// Tasks are the open tasks assigned to the viewer (nil for those who
	// do no casework).
	Tasks      []custody.AssignedTask
	TasksError bool
	Now        time.Time
}

// casework is the casework handlers over the server's services.
func (s *Server) casework() *caseworkHandlers {
	return &caseworkHandlers{caseHandlers: &caseHandlers{kit: s.kit, cases: s.svc.Custody, facilities: s.svc.Facilities, release: s.svc.Release, imports: s.imports, tracing: s.svc.Tracing}, users: s.auth, tracing: s.svc.Tracing}
}

// homeData is the home page's data for the signed-in viewer. A failure
// to read the queue is logged and said on the page, not a broken home.
func (s *Server) homeData(r *http.Request) homeView {
	v := homeView{Now: time.Now().UTC()}
	q, err := s.casework().homeQueue(r)
	if err != nil {
		s.log.ErrorContext(r.Context(), "home: approval queue", "request_id", requestIDOf(r), "err", err)
		v.QueueError = true
	}
	v.Queue = q
	if p, ok := auth.FromContext(r.Context()); ok && auth.Allowed(p.Role, auth.PermCaseWork) && s.svc.Custody != nil {
		if v.Tasks, err = s.svc.Custody.MyTasks(r.Context()); err != nil {
			s.log.ErrorContext(r.Context(), "home: my tasks", "request_id", requestIDOf(r), "err", err)
			v.TasksError = true
		}
	}
	return v
}
