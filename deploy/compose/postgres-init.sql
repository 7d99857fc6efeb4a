-- One database per service with a database (the dashboard has none), owned by the
-- development role `samverkan`, as deploy/local/postgres.sh creates them.
CREATE DATABASE samverkan_prevention OWNER samverkan;
CREATE DATABASE samverkan_outreach OWNER samverkan;
CREATE DATABASE samverkan_treatment OWNER samverkan;
CREATE DATABASE samverkan_trafficking OWNER samverkan;
CREATE DATABASE samverkan_coordination OWNER samverkan;
