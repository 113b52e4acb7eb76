-- Service :service's own PostgreSQL role, minyi_<service>, and its schema <service>, in the database psql
-- is connected to, as a superuser. Run it again at will: it creates what is missing and sets the rest
-- (password, connection limit, ownership) to what it says. The password comes from the environment, not
-- the command line that any local user may read:
--   MINYI_ROLE_PASSWORD=... psql -v ON_ERROR_STOP=1 -v service=deputies -v connection_limit=12 -f service-role.sql
-- The role can log in and own things, nothing more: not a superuser, no CREATE on the database (so it
-- cannot make a schema, nor take another service's name), no USAGE on any other service's schema (each
-- is owned by its own service's role and grants nothing), nothing in public. It owns its schema, so the
-- service's migrations run as it. docs/security.md, "Database roles".
\set role minyi_ :service
\getenv password MINYI_ROLE_PASSWORD
\if :{?password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'MINYI_ROLE_PASSWORD is not set'; END $$;
\endif
SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  CONNECTION LIMIT :connection_limit PASSWORD :'password';
-- Connecting is granted role by role: PUBLIC's default CONNECT and TEMPORARY are taken away.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()) \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'role') \gexec
SELECT format('CREATE SCHEMA %I AUTHORIZATION %I', :'service', :'role')
  WHERE NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = :'service') \gexec
ALTER SCHEMA :"service" OWNER TO :"role";
-- A schema that an earlier version migrated as the superuser: its tables, views, sequences of their own
-- and functions pass to the role (sequences owned by a column follow their table).
SELECT format('ALTER %s %s OWNER TO %I',
              CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                             ELSE 'TABLE' END,
              c.oid::regclass, :'role')
  FROM pg_class c
 WHERE c.relnamespace = :'service'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
   AND c.relowner <> :'role'::regrole
   AND NOT EXISTS (SELECT FROM pg_depend d
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')) \gexec
SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, :'role')
  FROM pg_proc p
 WHERE p.pronamespace = :'service'::regnamespace AND p.proowner <> :'role'::regrole \gexec
