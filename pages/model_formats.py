"""Placeholder until this page's issue lands."""

import streamlit as st

from components.i18n import t

st.title(t("nav.model_formats"))
st.info(t("common.coming_soon"))
