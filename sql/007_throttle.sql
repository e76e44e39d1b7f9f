-- The sign-in throttle counts failures per (login, client address) pair,
-- per address and per login (src/api/signin.c says why), under advisory
-- locks taken by the statements themselves, so no table changes: only the
-- pair's count, the one asked first on every attempt, gets an index of its
-- own. login_failure_login_idx and login_failure_addr_idx (002) serve the
-- other two.
CREATE INDEX login_failure_pair_idx ON login_failure (login, addr, at);
