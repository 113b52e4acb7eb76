#pragma once

#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "minyi/deputies/v1/deputies.pb.h"

// Who may see a deputy's personal data (phone, ID number). Deputies are public persons, so everything
// else is visible to every signed-in caller; anonymous readers see a serving deputy's public profile.
namespace minyi::deputies {

// True when `caller` may read `deputy_name`'s phone and ID number in full on a single-deputy read: office
// staff (admin, staff) and the deputy themself. Lists are always masked, whoever asks.
bool MaySeePersonalData(const Caller& caller, absl::string_view deputy_name);

// Replaces phone and ID number with their masked forms (138****5678, 520102********1234).
void MaskPersonalData(minyi::deputies::v1::Deputy* deputy);

// Whether anyone, signed in or not, may read the deputy's public profile: only while they serve.
bool HasPublicProfile(const minyi::deputies::v1::Deputy& deputy);

// The public profile: name, level, delegation, sector and stations (as names; the caller adds their
// display names). Nothing of the contact or identity data, the district or the term dates.
minyi::deputies::v1::PublicDeputy PublicProfile(const minyi::deputies::v1::Deputy& deputy);

}  // namespace minyi::deputies
