"""The backend's access rules in SQL: roles, SECURITY DEFINER functions, row-level security policies.

Who is asking is the database session's own login role (``session_user``), mapped to a user id
by ``ionflux_sync.accounts``, and only while the session also carries the matching tenant
setting ``ionflux.user_id``: a connection without it (or with someone else's id) sees nothing
and can write nothing. Every rule fails closed: a NULL identity matches no row.
"""

from __future__ import annotations

#: Data tables that carry their own workspace_id.
WORKSPACE_TABLES = ("brands", "creators", "prompt_libraries", "agent_configurations", "agent_run_logs", "playbooks",
                    "canvas_pages", "chat_channels", "shop_orders", "shop_customers", "shop_products")
#: Data tables reached through a parent: (table, parent table, foreign key).
CHILD_TABLES = (("canvas_blocks", "canvas_pages", "page_id"), ("chat_messages", "chat_channels", "channel_id"),
                ("prompts", "prompt_libraries", "library_id"), ("prompt_versions", "prompts", "prompt_id"))
#: Tables a device never reaches on the backend (device-local in the data model).
LOCAL_ONLY = ("platform_events", "local_settings", "metric_points", "agent_states", "sync_clocks", "sync_docs",
              "sync_cursors", "sync_dead_letters", "alembic_version")

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION ionflux_sync.me() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, ionflux_sync AS $$
  SELECT a.user_id FROM ionflux_sync.accounts a
   WHERE a.role_name = session_user
     AND a.user_id::text = nullif(current_setting('ionflux.user_id', true), '')
$$;

CREATE OR REPLACE FUNCTION ionflux_sync.my_workspaces() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT coalesce(array_agg(w.id), '{}') FROM public.workspaces w, (SELECT ionflux_sync.me() AS id) m
   WHERE m.id IS NOT NULL AND (w.owner_user_id = m.id OR m.id = ANY (w.member_user_ids_array))
$$;

CREATE OR REPLACE FUNCTION ionflux_sync.visible_users() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT coalesce(array_agg(DISTINCT u), '{}') FROM (
    SELECT ionflux_sync.me() AS u
    UNION SELECT w.owner_user_id FROM public.workspaces w WHERE w.id = ANY (ionflux_sync.my_workspaces())
    UNION SELECT unnest(w.member_user_ids_array) FROM public.workspaces w
           WHERE w.id = ANY (ionflux_sync.my_workspaces())) s WHERE u IS NOT NULL
$$;

-- Lock (creating where missing) the heads of the workspaces a push touches, in a fixed order.
-- A head may be created for a workspace that does not exist yet (it is being created by this
-- push); an existing workspace must be reachable.
CREATE OR REPLACE FUNCTION ionflux_sync.lock_heads(ws uuid[]) RETURNS TABLE (workspace_id uuid, head bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, ionflux_sync AS $$
DECLARE me uuid := ionflux_sync.me(); w uuid;
BEGIN
  IF me IS NULL THEN RAISE EXCEPTION 'no IONFLUX identity on this connection' USING ERRCODE = '42501'; END IF;
  FOREACH w IN ARRAY ws LOOP
    IF EXISTS (SELECT 1 FROM public.workspaces x WHERE x.id = w) AND NOT (w = ANY (ionflux_sync.my_workspaces())) THEN
      RAISE EXCEPTION 'workspace % is not reachable', w USING ERRCODE = '42501';
    END IF;
  END LOOP;
  INSERT INTO ionflux_sync.heads AS h (workspace_id) SELECT unnest(ws) ON CONFLICT DO NOTHING;
  RETURN QUERY SELECT h.workspace_id, h.head FROM ionflux_sync.heads h
                WHERE h.workspace_id = ANY (ws) ORDER BY h.workspace_id FOR UPDATE;
END $$;

CREATE OR REPLACE FUNCTION ionflux_sync.advance_head(ws uuid, n bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, ionflux_sync AS $$
DECLARE result bigint;
BEGIN
  IF NOT (ws = ANY (ionflux_sync.my_workspaces())) THEN
    RAISE EXCEPTION 'workspace % is not reachable', ws USING ERRCODE = '42501';
  END IF;
  UPDATE ionflux_sync.heads h SET head = h.head + n WHERE h.workspace_id = ws RETURNING h.head INTO result;
  RETURN result;
END $$;

CREATE OR REPLACE FUNCTION ionflux_sync.heads_of(ws uuid[]) RETURNS TABLE (workspace_id uuid, head bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, ionflux_sync AS $$
  SELECT h.workspace_id, h.head FROM ionflux_sync.heads h
   WHERE h.workspace_id = ANY (ws) AND h.workspace_id = ANY (ionflux_sync.my_workspaces())
$$;

CREATE OR REPLACE FUNCTION ionflux_sync.schema_revision() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT version_num FROM public.alembic_version LIMIT 1
$$;

-- The first device of a user: a login role (password = the account's), the account, the user row.
CREATE OR REPLACE FUNCTION ionflux_sync.register(p_user jsonb, p_password text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, ionflux_sync AS $$
DECLARE uid uuid := (p_user ->> 'id')::uuid; mail text := lower(p_user ->> 'email');
        role text := format('ifx_%s_%s', (SELECT id FROM ionflux_sync.backend LIMIT 1), replace(uid::text, '-', ''));
BEGIN
  IF EXISTS (SELECT 1 FROM ionflux_sync.accounts a WHERE a.email = mail OR a.user_id = uid) THEN
    RAISE EXCEPTION 'an account for % already exists', mail USING ERRCODE = '23505';
  END IF;
  IF length(coalesce(p_password, '')) < 4 THEN RAISE EXCEPTION 'password too short' USING ERRCODE = '22023'; END IF;
  EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION '
                 'NOBYPASSRLS IN ROLE %I', role, p_password, '{app_role}');
  INSERT INTO ionflux_sync.accounts (user_id, email, role_name, pw_hash)
       VALUES (uid, mail, role, {pw_hash});
  INSERT INTO public.users (id, email, name, password_hash, profile_info_json, created_at, updated_at)
       VALUES (uid, mail, p_user ->> 'name', '!server', p_user -> 'profile_info_json',
               coalesce((p_user ->> 'created_at')::timestamptz, now()),
               coalesce((p_user ->> 'updated_at')::timestamptz, now()))
  ON CONFLICT (id) DO NOTHING;
  RETURN role;
END $$;

-- Later devices: who is this email, and is the password right? (Connecting as the role is the
-- real proof where the server checks passwords; this check also holds where it trusts hosts.)
CREATE OR REPLACE FUNCTION ionflux_sync.login(p_email text, p_password text)
RETURNS TABLE (user_id uuid, role_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, ionflux_sync AS $$
DECLARE a ionflux_sync.accounts;
BEGIN
  SELECT * INTO a FROM ionflux_sync.accounts x WHERE x.email = lower(p_email);
  IF NOT FOUND THEN RETURN; END IF;
  IF a.pw_hash IS NOT NULL AND NOT {pw_check} THEN
    RAISE EXCEPTION 'wrong email or password' USING ERRCODE = '28P01';
  END IF;
  RETURN QUERY SELECT a.user_id, a.role_name;
END $$;
"""


def policies() -> list[str]:
    """DROP + CREATE of every row-level security policy (idempotent)."""
    reach = "(SELECT ionflux_sync.my_workspaces())::uuid[]"
    out = []

    def policy(table: str, name: str, command: str, using: str | None, check: str | None) -> None:
        out.append(f"DROP POLICY IF EXISTS {name} ON {table}")
        clause = f" USING ({using})" if using else ""
        clause += f" WITH CHECK ({check})" if check else ""
        out.append(f"CREATE POLICY {name} ON {table} FOR {command} TO PUBLIC{clause}")

    ws_rule = f"id = ANY ({reach})"
    policy("workspaces", "ifx_read", "SELECT", ws_rule, None)
    policy("workspaces", "ifx_create", "INSERT", None, "owner_user_id = ionflux_sync.me()")
    policy("workspaces", "ifx_change", "UPDATE", ws_rule, ws_rule)
    policy("workspaces", "ifx_delete", "DELETE", "owner_user_id = ionflux_sync.me()", None)
    for table in WORKSPACE_TABLES:
        rule = f"workspace_id = ANY ({reach})"
        policy(table, "ifx_rows", "ALL", rule, rule)
    for table, parent, fk in CHILD_TABLES:
        rule = f"EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {table}.{fk})"
        policy(table, "ifx_rows", "ALL", rule, rule)
    policy("users", "ifx_read", "SELECT", "id = ANY ((SELECT ionflux_sync.visible_users())::uuid[])", None)
    policy("users", "ifx_change", "UPDATE", "id = ionflux_sync.me()", "id = ionflux_sync.me()")
    policy("agent_definitions", "ifx_read", "SELECT", "true", None)
    policy("agent_definitions", "ifx_add", "INSERT", None, "true")
    ws_or_global = f"workspace_id IS NULL OR workspace_id = ANY ({reach})"
    for table in ("ionflux_sync.clocks", "ionflux_sync.docs"):
        policy(table, "ifx_rows", "ALL", ws_or_global, ws_or_global)
    policy("ionflux_sync.changes", "ifx_read", "SELECT", f"workspace_id = ANY ({reach})", None)
    policy("ionflux_sync.changes", "ifx_add", "INSERT", None,
           f"pushed_by = ionflux_sync.me() AND workspace_id = ANY ({reach})")
    policy("ionflux_sync.received", "ifx_own", "ALL", "pushed_by = ionflux_sync.me()",
           "pushed_by = ionflux_sync.me()")
    return out


def rls_tables() -> list[str]:
    return ["workspaces", "users", "agent_definitions", *WORKSPACE_TABLES, *(t for t, _p, _f in CHILD_TABLES),
            "ionflux_sync.clocks", "ionflux_sync.docs", "ionflux_sync.changes", "ionflux_sync.received"]


def grants(app_role: str, gateway_role: str) -> list[str]:
    data = ", ".join(["workspaces", *WORKSPACE_TABLES, *(t for t, _p, _f in CHILD_TABLES)])
    return [
        f"REVOKE ALL ON {', '.join(LOCAL_ONLY)} FROM PUBLIC",
        f'GRANT USAGE ON SCHEMA ionflux_sync TO "{app_role}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON {data} TO "{app_role}"',
        f'GRANT SELECT, UPDATE ON users TO "{app_role}"',
        f'GRANT SELECT, INSERT ON agent_definitions TO "{app_role}"',
        f'GRANT SELECT, INSERT, UPDATE ON ionflux_sync.clocks, ionflux_sync.docs TO "{app_role}"',
        f'GRANT SELECT, INSERT ON ionflux_sync.changes, ionflux_sync.received TO "{app_role}"',
        "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ionflux_sync FROM PUBLIC",
        f'GRANT EXECUTE ON FUNCTION ionflux_sync.me(), ionflux_sync.my_workspaces(), ionflux_sync.visible_users(), '
        f'ionflux_sync.lock_heads(uuid[]), ionflux_sync.advance_head(uuid, bigint), ionflux_sync.heads_of(uuid[]), '
        f'ionflux_sync.schema_revision() TO "{app_role}"',
        f'GRANT USAGE ON SCHEMA ionflux_sync TO "{gateway_role}"',
        f'GRANT EXECUTE ON FUNCTION ionflux_sync.register(jsonb, text), ionflux_sync.login(text, text), '
        f'ionflux_sync.schema_revision() TO "{gateway_role}"',
    ]
