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
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// A helper of another file that closes the body counts as a close: the early return skips it.
func (s *Server) Check(u string) error {
	resp, err := s.web.Get(u) // want "closed on some paths only: the return on line 31 skips resp.Body.Close"
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return context.Canceled
	}
	closeBody(resp)
	return nil
}

// A helper of another file that keeps the response owns it: no finding.
func (s *Server) Keep(u string) error {
	resp, err := s.web.Get(u)
	if err != nil {
		return err
	}
	s.remember(resp)
	return nil
}
