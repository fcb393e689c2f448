"""Placeholder until this page's issue lands."""

import streamlit as st

from components.i18n import t

st.title(t("nav.draw_digit"))
st.info(t("common.coming_soon"))
