package p

import "context"

// s.kv is a key-value client (declared in store.go): its Get is not HTTP, even though the
// result has a Header.
func (s *Server) Revision(ctx context.Context, key string) (int64, error) {
	resp, err := s.kv.Get(ctx, key)
	if err != nil {
		return 0, err
	}
	return resp.Header.Revision, nil
}

// s.web is declared *http.Client in store.go: this one is a response.
func (s *Server) Status(u string) (int, error) {
	resp, err := s.web.Get(u) // want "never closed"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
