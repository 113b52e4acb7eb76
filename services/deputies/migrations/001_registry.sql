-- The registry on the Popolo shape: persons (deputies), organizations (stations) and the memberships
-- between them. Enum columns hold the proto enum names, so the data reads without the .proto at hand.

-- Liaison stations (代表联络站), organizations of classification "station".
CREATE TABLE stations (
  id           bigserial PRIMARY KEY,
  display_name text NOT NULL,
  kind         text NOT NULL,
  region_path  text[] NOT NULL DEFAULT '{}',  -- district > town > village, outermost first
  address      text NOT NULL DEFAULT '',
  create_time  timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL,
  update_time  timestamptz NOT NULL DEFAULT now(),
  updated_by   text NOT NULL
);
CREATE INDEX stations_region_path ON stations USING gin (region_path);

-- Deputies (人大代表), persons. phone and id_number are personal data: masked outside staff reads.
CREATE TABLE deputies (
  id                 bigserial PRIMARY KEY,
  display_name       text NOT NULL,
  gender             text NOT NULL,
  level              text NOT NULL,
  term               integer NOT NULL CHECK (term BETWEEN 1 AND 99),
  delegation         text NOT NULL DEFAULT '',
  electoral_district text NOT NULL DEFAULT '',
  sector             text NOT NULL DEFAULT '',
  phone              text NOT NULL DEFAULT '',
  id_number          text NOT NULL DEFAULT '',
  status             text NOT NULL,
  term_start_date    date,
  term_end_date      date,
  create_time        timestamptz NOT NULL DEFAULT now(),
  created_by         text NOT NULL,
  update_time        timestamptz NOT NULL DEFAULT now(),
  updated_by         text NOT NULL
);
CREATE INDEX deputies_status ON deputies (status, id);

-- A deputy's membership in a station (代表进站). end_date is NULL while current; changing a deputy's
-- stations closes rows rather than deleting them, so the history stays. Dates are Asia/Shanghai days.
CREATE TABLE memberships (
  id         bigserial PRIMARY KEY,
  deputy_id  bigint NOT NULL REFERENCES deputies (id),
  station_id bigint NOT NULL REFERENCES stations (id),
  start_date date NOT NULL,
  end_date   date,
  CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE UNIQUE INDEX memberships_current ON memberships (deputy_id, station_id) WHERE end_date IS NULL;
CREATE INDEX memberships_station_current ON memberships (station_id, deputy_id) WHERE end_date IS NULL;
