-- The role that owns ColdTrace's tables and its database, as deploy/install.sh --database makes them (psql as the
-- cluster's superuser: sudo -u postgres psql -X -v owner=coldtrace -v database=coldtrace -f owner.sql). Safe to run
-- again: it changes only what differs and says what it did.
--
-- The owner logs in and has CREATEROLE (schema migration 3 creates the group roles coldtrace_reader and
-- coldtrace_ack, and `coldtrace access grant` makes cooperatives' roles members of them); it is not a superuser,
-- cannot create databases, replicate or bypass row-level security. It owns the database, so it may create its tables
-- in the schema public (PostgreSQL 15: public belongs to the database's owner).
\set ON_ERROR_STOP on
\set QUIET on

SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') AS owner_exists \gset
\if :owner_exists
  \echo keep role :owner (exists)
\else
  CREATE ROLE :"owner" LOGIN CREATEROLE;
  \echo made role :owner (LOGIN CREATEROLE)
\endif
SELECT rolcanlogin AND rolcreaterole AND NOT (rolsuper OR rolcreatedb OR rolreplication OR rolbypassrls)
  AS owner_fits FROM pg_roles WHERE rolname = :'owner' \gset
\if :owner_fits
\else
  ALTER ROLE :"owner" LOGIN CREATEROLE NOSUPERUSER NOCREATEDB NOREPLICATION NOBYPASSRLS;
  \echo set role :owner to LOGIN CREATEROLE NOSUPERUSER NOCREATEDB NOREPLICATION NOBYPASSRLS
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
