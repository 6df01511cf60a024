-- The role that owns ColdTrace's tables and its database, as deploy/install.sh --database makes them (psql as the
-- cluster's superuser: sudo -u postgres psql -X -v owner=coldtrace -v database=coldtrace -f owner.sql). Safe to run
-- again: it changes only what differs and says what it did.
--
-- The owner logs in and owns the database, so it may create its tables in the schema public (PostgreSQL 15: public
-- belongs to the database's owner). It is no superuser and has no CREATEROLE: before PostgreSQL 16 a CREATEROLE role
-- may grant itself any non-superuser role, pg_execute_server_program (shell commands as the postgres OS user) and
-- pg_read_server_files among them, so whoever takes the collector would take the cluster. The group roles the
-- row-level security policies name, coldtrace_reader and coldtrace_ack, are made here instead, and the owner gets
-- ADMIN OPTION on them: that is all `coldtrace access grant/revoke` needs (it changes membership of those two groups
-- only), and schema migration 3 leaves existing group roles alone. The cooperatives' login roles are made by the
-- superuser (createuser --pwprompt coop_a). The owner cannot create databases, replicate or bypass row-level security.
\set ON_ERROR_STOP on
\set QUIET on

SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') AS owner_exists \gset
\if :owner_exists
  \echo keep role :owner (exists)
\else
  CREATE ROLE :"owner" LOGIN;
  \echo made role :owner (LOGIN)
\endif
SELECT rolcanlogin AND NOT (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls)
  AS owner_fits FROM pg_roles WHERE rolname = :'owner' \gset
\if :owner_fits
\else
  ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS;
  \echo set role :owner to LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS
\endif

-- The group roles (they belong to the whole cluster: another ColdTrace database of it may have made them), and the
-- owner's ADMIN OPTION on them.
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'coldtrace_reader') AS make_reader \gset
\if :make_reader
  CREATE ROLE coldtrace_reader NOLOGIN;
  \echo made role coldtrace_reader (NOLOGIN)
\endif
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'coldtrace_ack') AS make_ack \gset
\if :make_ack
  CREATE ROLE coldtrace_ack NOLOGIN;
  \echo made role coldtrace_ack (NOLOGIN)
\endif
SELECT count(DISTINCT g.rolname) = 2 AS owner_administers FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
  JOIN pg_roles r ON r.oid = m.member
  WHERE r.rolname = :'owner' AND g.rolname IN ('coldtrace_reader', 'coldtrace_ack') AND m.admin_option \gset
\if :owner_administers
\else
  GRANT coldtrace_reader, coldtrace_ack TO :"owner" WITH ADMIN OPTION;
  \echo granted coldtrace_reader, coldtrace_ack to :owner WITH ADMIN OPTION
\endif

SELECT EXISTS (SELECT FROM pg_database WHERE datname = :'database') AS database_exists \gset
\if :database_exists
  SELECT pg_get_userbyid(datdba) AS database_owner FROM pg_database WHERE datname = :'database' \gset
  SELECT :'database_owner' = :'owner' AS database_fits \gset
  \if :database_fits
    \echo keep database :database (exists, owned by :owner)
  \else
    -- Someone else's database of that name: ColdTrace does not take it over.
    SELECT format('DO $do$ BEGIN RAISE EXCEPTION ''%%'', %L; END $do$', format(
      'database %s exists and belongs to %s, not to %s: choose another name, or give it to %s yourself',
      :'database', :'database_owner', :'owner', :'owner')) \gexec
  \endif
\else
  CREATE DATABASE :"database" OWNER :"owner" ENCODING 'UTF8' TEMPLATE template0;
  \echo made database :database (owner :owner, UTF8)
\endif

-- Nobody but the schema's owner may create in the database's schema public (PostgreSQL 15 makes it so; a database
-- upgraded from 14 may still let PUBLIC, and only the superuser can take that back there): an operator put in it
-- could otherwise catch a call of the SECURITY DEFINER acknowledgement function (schema migration 5 checks it).
\connect :database
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
